package cli

import (
	"context"
	"testing"

	"github.com/renova-auth/renova/internal/auth"
)

// legacyStub is the legacy system of the status test: every token and
// password belongs to the user it names.
type legacyStub struct{}

func (legacyStub) Refresh(_ context.Context, tok string) (*auth.LegacyUser, error) {
	return &auth.LegacyUser{Login: "old-" + tok[:4]}, nil
}

func (legacyStub) Login(_ context.Context, name, _ string) (*auth.LegacyUser, error) {
	return &auth.LegacyUser{Login: name}, nil
}

// TestMigrationStatus: the status names the configured mount, its window
// and what it adopted: two sessions (one user each, still without a
// local password) and one password.
func TestMigrationStatus(t *testing.T) {
	db := newDB(t)
	app := openApp(t, db, nil)
	creds, err := app.Bootstrap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, err := app.Store.GetClient(context.Background(), creds.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	l := &auth.Legacy{Upstream: legacyStub{}}
	for _, tok := range []string{"aaaa-legacy-token", "bbbb-legacy-token"} {
		if _, err := app.Svc.Refresh(context.Background(), auth.RefreshRequest{Client: c, Token: tok, Legacy: l}); err != nil {
			t.Fatalf("adopt %s: %v", tok, err)
		}
	}
	if _, _, err := app.Svc.Login(context.Background(), auth.LoginRequest{Client: c, Username: "carol", Password: "old password",
		Legacy: l, Meta: auth.Meta{IP: "192.0.2.1"}}); err != nil {
		t.Fatalf("migrating login: %v", err)
	}
	app.Close()
	mount := "dialect=icredit,prefix=/icredit,tenant=demo,client=" + creds.ClientID + ",legacy=https://old.example/api,legacy_until=2099-01-01T00:00:00Z"
	var got []mountStatus
	runJSON(t, db, &got, "migration", "status", "--mount", mount)
	want := mountStatus{Dialect: "icredit", Prefix: "/icredit", Tenant: "demo", Client: creds.ClientID, Legacy: "https://old.example/api",
		Until: "2099-01-01T00:00:00Z", Open: true, Sessions: 2, Password: 1, NoHash: 2}
	if len(got) != 1 || got[0] != want {
		t.Errorf("migration status = %+v, want [%+v]", got, want)
	}
}
