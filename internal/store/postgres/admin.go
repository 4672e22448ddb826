package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// insertUserSQL stores sqlstore.UserArgs, picking the tenant's next
// sequence number in SQL when $6 is 0.
const insertUserSQL = "INSERT INTO users(" + sqlstore.UserCols + `) VALUES ($1, $2, $3, $4, $5,
	coalesce(nullif($6::bigint, 0), (SELECT coalesce(max(seq), 0) + 1 FROM users WHERE tenant_id = $2)),
	$7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING seq`

// CreateUser stores u. A zero Seq is replaced by the tenant's next sequence
// number (max + 1). Writers of one tenant take a transaction-scoped
// advisory lock first, so the INSERT's fresh READ COMMITTED snapshot sees
// every earlier writer's commit and two replicas never pick one number. A
// taken login or sequence number is store.ErrConflict.
func (db *DB) CreateUser(ctx context.Context, u *store.User) error {
	var seq int64
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('renova.users.' || $1, 0))", u.TenantID); err != nil {
			return err
		}
		return tx.QueryRow(ctx, insertUserSQL, sqlstore.UserArgs(u, codec{})...).Scan(&seq)
	})
	if err != nil {
		return translate(err)
	}
	u.Seq = seq
	return nil
}

// CreateTenant stores t, a zero Code becoming one above the highest
// (sqlstore.InsertTenant). Creations take a transaction-scoped advisory
// lock first, as CreateUser does for sequence numbers, so two replicas
// never read the same max: without it, concurrent creations kept
// colliding on the code.
func (db *DB) CreateTenant(ctx context.Context, t *store.Tenant) error {
	var code int64
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('renova.tenants', 0))"); err != nil {
			return err
		}
		return tx.QueryRow(ctx, sqlstore.InsertTenant, sqlstore.TenantArgs(t, codec{})...).Scan(&code)
	})
	if err != nil {
		return translate(err)
	}
	t.Code = code
	return nil
}

// GetClient reads a client by id.
func (db *DB) GetClient(ctx context.Context, id string) (*store.Client, error) {
	return sqlstore.ScanClient(db.pool.QueryRow(ctx, sqlstore.ClientByID, id), codec{})
}
