package store

import "context"

// Seeder stores a whole new tenant at once: the first start's demo tenant
// (server.Bootstrap) must be all there or not at all, so that a crash
// halfway leaves nothing and the next start bootstraps again and prints
// the credentials.
type Seeder interface {
	// CreateTenantWith stores t, its users and its clients (API key hashes
	// included) in one transaction: all of them, or none. A user's zero
	// Seq becomes its position in users, from 1 (t is new, so it has no
	// other users). A taken slug, code, login or client id is ErrConflict.
	CreateTenantWith(ctx context.Context, t *Tenant, users []*User, clients []*Client) error
}
