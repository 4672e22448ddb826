package keys_test

import (
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlite"
)

func openStore(t *testing.T) store.Store {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var sealKey = []byte("0123456789abcdef0123456789abcdef")

func TestEnsurePublishesCurrentAndNext(t *testing.T) {
	st := openStore(t)
	ring := keys.NewRing(st, sealKey, time.Now)
	ctx := context.Background()
	if err := ring.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(ring.JWKS(), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 8 {
		t.Fatalf("JWKS has %d keys, want current+next for 3 algs plus a hex alias of both RSA keys", len(set.Keys))
	}
	aliases := 0
	// The kid is the RFC 7638 thumbprint, as an independent library computes it.
	for _, k := range set.Keys {
		tp, err := k.Thumbprint(crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if len(k.KeyID) == 40 {
			aliases++
			if want, _ := keys.HexKid(k.Key); k.KeyID != want || k.Algorithm != keys.RS256 {
				t.Errorf("alias kid %s (%s), want %s RS256", k.KeyID, k.Algorithm, want)
			}
			continue
		}
		if want := base64.RawURLEncoding.EncodeToString(tp); k.KeyID != want {
			t.Errorf("kid %s, go-jose thumbprint %s", k.KeyID, want)
		}
		if !k.IsPublic() {
			t.Errorf("JWKS key %s is not public-only", k.KeyID)
		}
	}
	if aliases != 2 {
		t.Errorf("%d hex aliases, want 2", aliases)
	}
	again := keys.NewRing(st, sealKey, time.Now)
	if err := again.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	if string(again.JWKS()) != string(ring.JWKS()) {
		t.Error("second Ensure generated more keys")
	}
}

func TestRotatePromotesPublishedNext(t *testing.T) {
	st := openStore(t)
	ring := keys.NewRing(st, sealKey, time.Now)
	ctx := context.Background()
	if err := ring.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	old, _ := ring.Current(keys.ES256)
	list, _ := st.ListKeys(ctx)
	var next string
	for _, k := range list {
		if k.Alg == keys.ES256 && k.State == store.KeyNext {
			next = k.ID
		}
	}
	if !strings.Contains(string(ring.JWKS()), next) {
		t.Fatal("next key not published before rotation")
	}
	if err := ring.ForceRotate(ctx, keys.ES256); err != nil {
		t.Fatal(err)
	}
	cur, _ := ring.Current(keys.ES256)
	if cur.Kid != next {
		t.Errorf("after Rotate current = %s, want the former next %s", cur.Kid, next)
	}
	if _, _, ok := ring.Public(old.Kid); !ok {
		t.Error("retired key dropped from JWKS at once; tokens it signed must still verify")
	}
}

func TestWrongSecretCannotOpenKeys(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	if err := keys.NewRing(st, sealKey, time.Now).Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	wrong := []byte("fedcba9876543210fedcba9876543210")
	err := keys.NewRing(st, wrong, time.Now).Load(ctx)
	if err == nil || !strings.Contains(err.Error(), "RENOVA_SECRET") {
		t.Errorf("Load with the wrong secret = %v, want an error naming RENOVA_SECRET", err)
	}
	list, _ := st.ListKeys(ctx)
	for _, k := range list {
		if strings.Contains(string(k.Private), "PRIVATE") || len(k.Private) < 40 {
			t.Errorf("private key %s does not look sealed", k.ID)
		}
	}
}
