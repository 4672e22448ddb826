package sqlite

import (
	"context"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// CreateTenantWith stores a tenant with its users and clients in one
// transaction of the writer (store.Seeder).
func (db *DB) CreateTenantWith(ctx context.Context, t *store.Tenant, users []*store.User, clients []*store.Client) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	if err := sqlstore.SeedTenant(ctx, exec, codec{}, t, users, clients); err != nil {
		return translate(err)
	}
	return translate(tx.Commit())
}
