package keys_test

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/store"
)

// ensured is a ring over a fresh store with its keys made.
func ensured(t *testing.T, now func() time.Time) (*keys.Ring, store.Store) {
	t.Helper()
	st := openStore(t)
	ring := keys.NewRing(st, sealKey, now)
	if err := ring.Ensure(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ring, st
}

// byState returns the stored keys of alg by state.
func byState(t *testing.T, st store.Store, alg string) map[string][]*store.Key {
	t.Helper()
	all, err := st.ListKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*store.Key{}
	for _, k := range all {
		if k.Alg == alg {
			out[k.State] = append(out[k.State], k)
		}
	}
	return out
}

// jwks parses the ring's published key set.
func jwks(t *testing.T, ring *keys.Ring) *jose.JSONWebKeySet {
	t.Helper()
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(ring.JWKS(), &set); err != nil {
		t.Fatal(err)
	}
	return &set
}

// TestRotateStates: a rotation of one algorithm retires its current key,
// promotes the next one and stores a fresh next, stamped with the ring's
// clock, and leaves the other algorithms alone (PRODUCT.md §1).
func TestRotateStates(t *testing.T) {
	c := apptest.NewClock()
	ring, st := ensured(t, c.Now)
	before := byState(t, st, keys.ES256)
	rsBefore := byState(t, st, keys.RS256)
	c.Advance(time.Hour)
	if err := ring.Rotate(context.Background(), keys.ES256); err != nil {
		t.Fatal(err)
	}
	after := byState(t, st, keys.ES256)
	if len(after["retired"]) != 1 || len(after["current"]) != 1 || len(after["next"]) != 1 {
		t.Fatalf("ES256 keys after a rotation: %d retired, %d current, %d next", len(after["retired"]), len(after["current"]), len(after["next"]))
	}
	old, promoted, fresh := after["retired"][0], after["current"][0], after["next"][0]
	if old.ID != before["current"][0].ID || promoted.ID != before["next"][0].ID {
		t.Errorf("rotation retired %s and promoted %s; want %s and %s", old.ID, promoted.ID, before["current"][0].ID, before["next"][0].ID)
	}
	if !old.RetiredAt.Equal(c.Now()) || !promoted.ActivatedAt.Equal(c.Now()) || !fresh.CreatedAt.Equal(c.Now()) {
		t.Errorf("timestamps: retired %v, activated %v, created %v; want all %v", old.RetiredAt, promoted.ActivatedAt, fresh.CreatedAt, c.Now())
	}
	if fresh.ID == promoted.ID || fresh.ID == old.ID {
		t.Error("the fresh next key reuses an id")
	}
	if rs := byState(t, st, keys.RS256); rs["current"][0].ID != rsBefore["current"][0].ID || len(rs["retired"]) != 0 {
		t.Error("rotating ES256 changed the RS256 keys")
	}
	if cur, _ := ring.Current(keys.ES256); cur.Kid != promoted.ID {
		t.Errorf("ring signs with %s after the rotation, want %s", cur.Kid, promoted.ID)
	}
}

// TestRetiredKeyLeavesJWKS: a retired key stays published for
// RetiredGrace, longer than any token it signed lives, and then leaves the
// JWKS (but not the store) at the next load.
func TestRetiredKeyLeavesJWKS(t *testing.T) {
	c := apptest.NewClock()
	ring, st := ensured(t, c.Now)
	old, _ := ring.Current(keys.EdDSA)
	if err := ring.ForceRotate(context.Background(), keys.EdDSA); err != nil {
		t.Fatal(err)
	}
	c.Advance(keys.RetiredGrace)
	if err := ring.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := ring.Public(old.Kid); !ok || len(jwks(t, ring).Key(old.Kid)) != 1 {
		t.Errorf("retired key %s gone at exactly RetiredGrace; it must last that long", old.Kid)
	}
	c.Advance(time.Second)
	if err := ring.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := ring.Public(old.Kid); ok || len(jwks(t, ring).Key(old.Kid)) != 0 {
		t.Errorf("retired key %s still published after RetiredGrace", old.Kid)
	}
	if len(byState(t, st, keys.EdDSA)["retired"]) != 1 {
		t.Error("the retired key left the store")
	}
	if n := len(jwks(t, ring).Keys); n != 8 {
		t.Errorf("JWKS has %d keys after the retired one left, want 8 (current and next of 3 algorithms, 2 RSA aliases)", n)
	}
}

// TestJWKSVerifiesSignatures: what a current key signs verifies with the
// key the JWKS publishes under its kid, read by an independent library;
// for RS256 under the hex alias too. The next key is published but never
// signs.
func TestJWKSVerifiesSignatures(t *testing.T) {
	ring, st := ensured(t, time.Now)
	set := jwks(t, ring)
	for _, alg := range keys.Algs {
		s, err := ring.Current(alg)
		if err != nil {
			t.Fatal(err)
		}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: s.Key}, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := signer.Sign([]byte("payload of " + alg))
		if err != nil {
			t.Fatal(err)
		}
		compact, _ := obj.CompactSerialize()
		kids := []string{s.Kid}
		if alg == keys.RS256 {
			kids = append(kids, s.HexKid)
		}
		for _, kid := range kids {
			published := set.Key(kid)
			if len(published) != 1 || published[0].Algorithm != alg {
				t.Errorf("%s: JWKS holds %d keys for kid %s", alg, len(published), kid)
				continue
			}
			parsed, err := jose.ParseSignedCompact(compact, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := parsed.Verify(published[0].Key); err != nil || string(got) != "payload of "+alg {
				t.Errorf("%s: signature does not verify with the JWKS key %s: %v", alg, kid, err)
			}
		}
		if alg != keys.RS256 && s.HexKid != "" {
			t.Errorf("%s signer has a hex alias %q; only RSA keys get one", alg, s.HexKid)
		}
		next := byState(t, st, alg)["next"][0]
		if next.ID == s.Kid {
			t.Errorf("%s: the next key signs", alg)
		}
		if pub, a, ok := ring.Public(next.ID); !ok || a != alg || pub == nil {
			t.Errorf("%s: next key %s not published before it signs", alg, next.ID)
		}
	}
	if _, err := ring.Current("HS256"); err == nil {
		t.Error("Current(HS256) found a signer")
	}
}

// TestReplicaFollowsRotation: a second ring on the same store (another
// replica) signs with the promoted key after its next Load and publishes
// the same JWKS.
func TestReplicaFollowsRotation(t *testing.T) {
	a, st := ensured(t, time.Now)
	b := keys.NewRing(st, sealKey, time.Now)
	if err := b.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := a.ForceRotate(context.Background(), keys.RS256); err != nil {
		t.Fatal(err)
	}
	stale, _ := b.Current(keys.RS256)
	fresh, _ := a.Current(keys.RS256)
	if stale.Kid == fresh.Kid {
		t.Fatal("the rotation did not change the current key")
	}
	if _, _, ok := b.Public(fresh.Kid); !ok {
		t.Error("the replica did not publish the promoted key before the rotation")
	}
	if err := b.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Current(keys.RS256); got.Kid != fresh.Kid || got.HexKid != fresh.HexKid {
		t.Errorf("replica signs with %s after Load, want %s", got.Kid, fresh.Kid)
	}
	if string(a.JWKS()) != string(b.JWKS()) {
		t.Error("the replicas publish different key sets")
	}
}

// TestRotateUnknownAlgorithm: rotating an algorithm renova does not sign
// with fails and changes nothing.
func TestRotateUnknownAlgorithm(t *testing.T) {
	ring, st := ensured(t, time.Now)
	before, _ := st.ListKeys(context.Background())
	err := ring.Rotate(context.Background(), "HS256")
	if err == nil || !strings.Contains(err.Error(), `unsupported signing algorithm "HS256"`) {
		t.Errorf("Rotate(HS256) = %v", err)
	}
	if after, _ := st.ListKeys(context.Background()); len(after) != len(before) {
		t.Errorf("keys after a failed rotation: %d, were %d", len(after), len(before))
	}
}

// TestSwappedSealedKeyRefused: a sealed private key copied onto another
// key's record does not open, so a database edit cannot make renova sign
// with a key other than the published one.
func TestSwappedSealedKeyRefused(t *testing.T) {
	_, st := ensured(t, time.Now)
	all, _ := st.ListKeys(context.Background())
	other := openStore(t)
	for _, k := range all {
		if k.Alg == keys.ES256 && k.State == store.KeyCurrent {
			for _, donor := range all {
				if donor.Alg == keys.ES256 && donor.ID != k.ID {
					k.Private = donor.Private
				}
			}
		}
		if err := other.CreateKey(context.Background(), k); err != nil {
			t.Fatal(err)
		}
	}
	err := keys.NewRing(other, sealKey, time.Now).Load(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cannot decrypt signing key") {
		t.Errorf("Load with a swapped private key = %v", err)
	}
}

// TestConcurrentReadsDuringReload: signers and the JWKS are read by every
// request while Load swaps them; run with -race this checks the locking.
func TestConcurrentReadsDuringReload(t *testing.T) {
	ring, _ := ensured(t, time.Now)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				s, err := ring.Current(keys.ES256)
				if err != nil {
					t.Error(err)
					return
				}
				// A signer is never paired with another key's public half,
				// even while a rotation swaps the maps.
				pub, _, ok := ring.Public(s.Kid)
				if !ok || !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(s.Key.Public()) {
					t.Errorf("current key %s: published %v", s.Kid, ok)
					return
				}
				_ = ring.JWKS()
			}
		}()
	}
	for range 3 {
		if err := ring.ForceRotate(context.Background(), keys.ES256); err != nil {
			t.Error(err)
		}
	}
	close(stop)
	wg.Wait()
}

// TestRotateRefusesYoungNext: two rotations in a row would make a key
// current in the second it was created, before any verifier holding a
// cached JWKS has it (issue 14, acceptance 4). The second is refused,
// naming the wait, and changes nothing; after JWKS cache + key reload it
// goes through; ForceRotate goes through at once.
func TestRotateRefusesYoungNext(t *testing.T) {
	c := apptest.NewClock()
	ring, st := ensured(t, c.Now)
	ring.SetReload(30 * time.Second)
	if got, want := ring.MinNextAge(), keys.JWKSMaxAge+30*time.Second; got != want {
		t.Fatalf("MinNextAge = %v, want %v", got, want)
	}
	ctx := context.Background()
	// Ensure made the next key just now: too young already.
	if err := ring.Rotate(ctx, keys.ES256); !errors.Is(err, store.ErrKeyTooYoung) {
		t.Fatalf("Rotate right after Ensure = %v, want ErrKeyTooYoung", err)
	}
	c.Advance(ring.MinNextAge())
	if err := ring.Rotate(ctx, keys.ES256); err != nil {
		t.Fatalf("Rotate once the next key is %v old = %v", ring.MinNextAge(), err)
	}
	before := byState(t, st, keys.ES256)
	c.Advance(10 * time.Second)
	err := ring.Rotate(ctx, keys.ES256)
	var young *keys.TooYoungError
	if !errors.As(err, &young) || young.Wait() != 80*time.Second || young.Age != 10*time.Second ||
		!strings.Contains(err.Error(), "wait 1m20s") || !strings.Contains(err.Error(), "published 10s ago") {
		t.Fatalf("second Rotate in a row = %v, want a refusal to wait 1m20s", err)
	}
	if after := byState(t, st, keys.ES256); after["current"][0].ID != before["current"][0].ID || after["next"][0].ID != before["next"][0].ID || len(after["retired"]) != 1 {
		t.Errorf("a refused rotation changed the keys: %v → %v", before, after)
	}
	c.Advance(young.Wait() - time.Second)
	if err := ring.Rotate(ctx, keys.ES256); !errors.Is(err, store.ErrKeyTooYoung) {
		t.Errorf("Rotate a second before the wait ends = %v, want ErrKeyTooYoung", err)
	}
	c.Advance(time.Second)
	if err := ring.Rotate(ctx, keys.ES256); err != nil {
		t.Fatalf("Rotate after the wait = %v", err)
	}
	if err := ring.ForceRotate(ctx, keys.ES256); err != nil {
		t.Fatalf("ForceRotate of a key made this second = %v", err)
	}
	if got := byState(t, st, keys.ES256); len(got["retired"]) != 3 || len(got["current"]) != 1 || len(got["next"]) != 1 {
		t.Errorf("after three rotations: %d retired, %d current, %d next", len(got["retired"]), len(got["current"]), len(got["next"]))
	}
}
