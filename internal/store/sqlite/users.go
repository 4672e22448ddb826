package sqlite

import (
	"context"
	"database/sql"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// insertUserOrSkip is InsertUser that skips a user whose login or
// sequence number is taken instead of failing the transaction.
const insertUserOrSkip = sqlstore.InsertUser + " ON CONFLICT DO NOTHING"

// CreateUsers stores us in one transaction on the single writer, which no
// other write can interleave with: each tenant's next sequence number is
// read once and counted up per stored user. A taken login skips its user
// with store.ErrConflict in its slot.
func (db *DB) CreateUsers(ctx context.Context, us []*store.User) ([]error, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, translate(err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, insertUserOrSkip)
	if err != nil {
		return nil, translate(err)
	}
	defer ins.Close()
	next := map[string]int64{} // tenant → next free sequence number
	errs := make([]error, len(us))
	for i, u := range us {
		if errs[i], err = insertOne(ctx, tx, ins, next, u); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, translate(err)
	}
	return errs, nil
}

// insertOne stores u, assigning it the tenant's next sequence number when
// it has none; it reports store.ErrConflict (and leaves u.Seq as it was)
// when the row was skipped, and fails only when the statement did.
func insertOne(ctx context.Context, tx *sql.Tx, ins *sql.Stmt, next map[string]int64, u *store.User) (conflict, err error) {
	given := u.Seq
	if given == 0 {
		n, ok := next[u.TenantID]
		if !ok {
			if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) + 1 FROM users WHERE tenant_id = ?", u.TenantID).Scan(&n); err != nil {
				return nil, translate(err)
			}
		}
		u.Seq = n
	}
	res, err := ins.ExecContext(ctx, sqlstore.UserArgs(u, codec{})...)
	if err != nil {
		u.Seq = given
		return nil, translate(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		u.Seq = given
		return store.ErrConflict, nil
	}
	if given != 0 {
		delete(next, u.TenantID) // read the maximum again after a given number
	} else {
		next[u.TenantID] = u.Seq + 1
	}
	return nil, nil
}
