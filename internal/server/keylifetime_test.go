package server_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/store"
)

// TestRetiredKeyFollowsClients: the server derives how long a retired key
// stays in /oauth2/jwks from the longest access token lifetime of its
// clients (plus reload and ClockSkew), and the JWKS stays cacheable for
// keys.JWKSMaxAge only.
func TestRetiredKeyFollowsClients(t *testing.T) {
	ctx := context.Background()
	env := apptest.Start(t, apptest.Options{})
	ten, err := env.App.Store.TenantBySlug(ctx, env.Creds.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	// The demo's longest is HDI's hour; this client's 3h is longer.
	if _, err := env.App.Svc.NewClient(ctx, &store.Client{ID: "long", TenantID: ten.ID, AccessTTL: 3 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	if got, err := env.App.Ring.RetiredFor(ctx); err != nil || got != env.App.Cfg.KeyReload+3*time.Hour+keys.ClockSkew {
		t.Fatalf("RetiredFor() = %v, %v; want reload + 3h (client long) + ClockSkew", got, err)
	}
	old, _ := env.App.Ring.Current(keys.ES256)
	if err := env.App.Ring.ForceRotate(ctx, keys.ES256); err != nil {
		t.Fatal(err)
	}
	published := func() bool {
		t.Helper()
		if err := env.App.Ring.Load(ctx); err != nil {
			t.Fatal(err)
		}
		r := get(t, env, "/oauth2/jwks", nil)
		if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=60" {
			t.Errorf("JWKS Cache-Control = %q, want public, max-age=60 (keys.JWKSMaxAge)", cc)
		}
		var set struct{ Keys []struct{ Kid string } }
		if err := json.Unmarshal(r.Body, &set); err != nil {
			t.Fatal(err)
		}
		for _, k := range set.Keys {
			if k.Kid == old.Kid {
				return true
			}
		}
		return false
	}
	env.Clock.Advance(env.App.Cfg.KeyReload + 3*time.Hour + keys.ClockSkew)
	if !published() {
		t.Error("retired key left the JWKS while a 3h token it signed may be valid")
	}
	env.Clock.Advance(time.Second)
	if published() {
		t.Error("retired key still in the JWKS after every token it signed expired")
	}
}
