package keys_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/keys"
)

// TestRetiredForTokenLifetime: with a known longest token lifetime, a
// retired key stays published for the reload interval plus that lifetime
// plus ClockSkew, to the second, and follows the lifetime as it changes.
func TestRetiredForTokenLifetime(t *testing.T) {
	ctx := context.Background()
	c := apptest.NewClock()
	st := openStore(t)
	ring := keys.NewRing(st, sealKey, c.Now)
	lifetime := 2 * time.Hour
	ring.SetReload(30 * time.Second)
	ring.SetTokenLifetime(func(context.Context) (time.Duration, error) { return lifetime, nil })
	if err := ring.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := ring.RetiredFor(ctx); err != nil || got != 30*time.Second+2*time.Hour+keys.ClockSkew {
		t.Fatalf("RetiredFor() = %v, %v; want reload + 2h + ClockSkew", got, err)
	}
	old, _ := ring.Current(keys.ES256)
	if err := ring.ForceRotate(ctx, keys.ES256); err != nil {
		t.Fatal(err)
	}
	published := func(at time.Duration) bool {
		t.Helper()
		if err := ring.Load(ctx); err != nil {
			t.Fatal(err)
		}
		_, _, ok := ring.Public(old.Kid)
		if ok != (len(jwks(t, ring).Key(old.Kid)) == 1) {
			t.Fatalf("at +%v Public and JWKS disagree about %s", at, old.Kid)
		}
		return ok
	}
	start := c.Now()
	step := func(to time.Duration) { c.Advance(start.Add(to).Sub(c.Now())) }
	keep := 30*time.Second + 2*time.Hour + keys.ClockSkew
	step(keep)
	if !published(keep) {
		t.Errorf("retired key gone at +%v; a token it signed may still be accepted", keep)
	}
	step(keep + time.Second)
	if published(keep + time.Second) {
		t.Errorf("retired key still published at +%v", keep+time.Second)
	}
	lifetime = 6 * time.Hour // a client with longer tokens appeared
	if !published(keep + time.Second) {
		t.Error("retired key not published again after the longest lifetime grew")
	}
}

// TestRetiredForError: a failing lifetime lookup fails Load, which keeps
// the keys it had, instead of dropping retired keys too early.
func TestRetiredForError(t *testing.T) {
	ctx := context.Background()
	c := apptest.NewClock()
	ring := keys.NewRing(openStore(t), sealKey, c.Now)
	if err := ring.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	old, _ := ring.Current(keys.ES256)
	if err := ring.ForceRotate(ctx, keys.ES256); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("database down")
	ring.SetTokenLifetime(func(context.Context) (time.Duration, error) { return 0, boom })
	c.Advance(keys.RetiredGrace + time.Hour)
	if err := ring.Load(ctx); !errors.Is(err, boom) {
		t.Errorf("Load with a failing lifetime = %v, want it", err)
	}
	if _, _, ok := ring.Public(old.Kid); !ok {
		t.Error("the failed Load dropped the retired key")
	}
}
