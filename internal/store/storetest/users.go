package storetest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/renova-auth/renova/internal/store"
)

// testCreateUsers: a bulk insert stores every user whose login is free in
// its tenant, skips (ErrConflict in its slot) one taken by a stored user
// or by an earlier user of the same call, in any case, numbers the stored
// ones on from the tenant's highest sequence number (a given number is
// kept), and keeps every field as CreateUser does.
func testCreateUsers(t *testing.T, s store.Store) {
	f := newFixture(t, s) // Alice, seq 1
	other := &store.Tenant{ID: id("ten"), Slug: id("slug"), Name: "Other", Code: nextCode(), CreatedAt: t0}
	must(t, s.CreateTenant(ctx(t), other))
	user := func(tenant, login string, seq int64) *store.User {
		return &store.User{ID: id("usr"), TenantID: tenant, Login: login, Seq: seq, Email: login + "@example.com",
			Roles: []string{"r"}, Attributes: map[string]string{"from": "import"}, PasswordHash: "$2b$04$x", CreatedAt: t0, UpdatedAt: t0}
	}
	us := []*store.User{
		user(f.tenant.ID, "bob", 0),
		user(f.tenant.ID, "ALICE", 0), // taken by the stored Alice
		user(f.tenant.ID, "carol", 0),
		user(f.tenant.ID, "Bob", 0), // taken by bob, two lines up
		user(other.ID, "alice", 0),  // free in the other tenant
		user(f.tenant.ID, "dave", 50),
		user(f.tenant.ID, "erin", 0),
	}
	errs, err := s.CreateUsers(ctx(t), us)
	must(t, err)
	wantErr := []error{nil, store.ErrConflict, nil, store.ErrConflict, nil, nil, nil}
	wantSeq := []int64{2, 0, 3, 0, 1, 50, 51}
	for i, u := range us {
		if len(errs) != len(us) || !errors.Is(errs[i], wantErr[i]) || (wantErr[i] == nil) != (errs[i] == nil) {
			t.Fatalf("CreateUsers errs = %v, want %v", errs, wantErr)
		}
		if u.Seq != wantSeq[i] {
			t.Errorf("CreateUsers: %s's Seq = %d, want %d", u.Login, u.Seq, wantSeq[i])
		}
	}
	list, err := s.ListUsers(ctx(t), f.tenant.ID)
	must(t, err)
	var logins []string
	for _, u := range list {
		logins = append(logins, u.Login)
	}
	if want := []string{"Alice", "bob", "carol", "dave", "erin"}; !reflect.DeepEqual(logins, want) {
		t.Errorf("ListUsers after CreateUsers = %v, want %v", logins, want)
	}
	got, err := s.GetUser(ctx(t), us[0].ID)
	must(t, err)
	if !reflect.DeepEqual(got, us[0]) {
		t.Errorf("GetUser(bulk-created bob) = %+v, want %+v", got, us[0])
	}
	// Every user taken: nothing stored, every slot a conflict.
	again := []*store.User{user(f.tenant.ID, "carol", 0), user(f.tenant.ID, "erin", 0)}
	errs, err = s.CreateUsers(ctx(t), again)
	must(t, err)
	if !errors.Is(errs[0], store.ErrConflict) || !errors.Is(errs[1], store.ErrConflict) {
		t.Errorf("CreateUsers(taken logins) = %v, want two conflicts", errs)
	}
	if errs, err := s.CreateUsers(ctx(t), nil); err != nil || len(errs) != 0 {
		t.Errorf("CreateUsers(nil) = %v, %v; want none, nil", errs, err)
	}
}
