package sqlite

import (
	"context"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// CreateUser stores u. A zero Seq is replaced by the tenant's next sequence
// number; a taken login is store.ErrConflict.
func (db *DB) CreateUser(ctx context.Context, u *store.User) error {
	if u.Seq == 0 {
		if err := db.w.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) + 1 FROM users WHERE tenant_id = ?", u.TenantID).Scan(&u.Seq); err != nil {
			return translate(err)
		}
	}
	_, err := db.w.ExecContext(ctx, sqlstore.InsertUser, sqlstore.UserArgs(u, codec{})...)
	return translate(err)
}

// GetClient reads a client by id with the read pool's prepared statement:
// every refresh and token request looks its client up.
func (db *DB) GetClient(ctx context.Context, id string) (*store.Client, error) {
	return sqlstore.ScanClient(db.rs.client.QueryRowContext(ctx, id), codec{})
}
