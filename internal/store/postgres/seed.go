package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// CreateTenantWith stores a tenant with its users and clients in one
// transaction (store.Seeder).
func (db *DB) CreateTenantWith(ctx context.Context, t *store.Tenant, users []*store.User, clients []*store.Client) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		exec := func(q string, args ...any) error {
			_, err := tx.Exec(ctx, q, args...)
			return err
		}
		return sqlstore.SeedTenant(ctx, exec, codec{}, t, users, clients)
	})
	return translate(err)
}
