package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// seedRecords makes a new tenant with two users and two clients, the
// second with an API key hash.
func seedRecords() (*store.Tenant, []*store.User, []*store.Client) {
	ten := &store.Tenant{ID: id("ten"), Slug: id("slug"), Name: "Seeded", Code: nextCode(), CreatedAt: t0}
	var users []*store.User
	for _, login := range []string{"admin", "bob"} {
		users = append(users, &store.User{ID: id("usr"), TenantID: ten.ID, Login: login, PasswordHash: "h", CreatedAt: t0, UpdatedAt: t0})
	}
	var clients []*store.Client
	for _, key := range []string{"", id("keyhash")} {
		clients = append(clients, &store.Client{ID: id("cli"), TenantID: ten.ID, Alg: "ES256", APIKeyHash: key,
			AccessTTL: time.Minute, IdleTTL: time.Hour, AbsoluteTTL: 24 * time.Hour, CreatedAt: t0})
	}
	return ten, users, clients
}

// testSeed: CreateTenantWith stores a tenant with its users (numbered
// from 1) and clients; when one insert fails (here the last client's id
// is taken) nothing of it is stored.
func testSeed(t *testing.T, s store.Store) {
	ten, users, clients := seedRecords()
	must(t, s.CreateTenantWith(ctx(t), ten, users, clients))
	if got, err := s.TenantBySlug(ctx(t), ten.Slug); err != nil || got.ID != ten.ID {
		t.Fatalf("TenantBySlug(seeded) = %+v, %v", got, err)
	}
	list, err := s.ListUsers(ctx(t), ten.ID)
	must(t, err)
	if len(list) != 2 || list[0].Login != "admin" || list[0].Seq != 1 || list[1].Seq != 2 {
		t.Errorf("ListUsers(seeded) = %+v, want admin (1) and bob (2)", list)
	}
	if c, err := s.ClientByAPIKey(ctx(t), clients[1].APIKeyHash); err != nil || c.ID != clients[1].ID {
		t.Errorf("ClientByAPIKey(seeded key) = %+v, %v; want %s", c, err, clients[1].ID)
	}

	ten2, users2, clients2 := seedRecords()
	clients2[1].ID = clients[0].ID // taken: the transaction fails on its last insert
	if err := s.CreateTenantWith(ctx(t), ten2, users2, clients2); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("CreateTenantWith(taken client id) = %v, want ErrConflict", err)
	}
	if _, err := s.TenantBySlug(ctx(t), ten2.Slug); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("tenant of the failed seed: TenantBySlug = %v, want ErrNotFound", err)
	}
	if _, err := s.GetUser(ctx(t), users2[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("user of the failed seed: GetUser = %v, want ErrNotFound", err)
	}
	if _, err := s.GetClient(ctx(t), clients2[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("client of the failed seed: GetClient = %v, want ErrNotFound", err)
	}
}
