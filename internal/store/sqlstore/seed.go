package sqlstore

import (
	"context"

	"github.com/renova-auth/renova/internal/store"
)

// SeedTenant runs the inserts of store.Seeder.CreateTenantWith through
// exec, which the backend binds to one transaction; the first error stops
// it, and the backend rolls back. Errors are the driver's own.
func SeedTenant(ctx context.Context, exec func(q string, args ...any) error, c Codec,
	t *store.Tenant, users []*store.User, clients []*store.Client) error {
	if err := exec(InsertTenant, TenantArgs(t, c)...); err != nil {
		return err
	}
	for i, u := range users {
		if u.Seq == 0 {
			u.Seq = int64(i + 1)
		}
		if err := exec(InsertUser, UserArgs(u, c)...); err != nil {
			return err
		}
	}
	for _, v := range clients {
		if err := exec(insertClient, ClientArgs(v, c)...); err != nil {
			return err
		}
	}
	return nil
}
