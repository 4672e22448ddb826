package keys_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/keys"
)

// cachingVerifier is a resource server that fetches the JWKS from a
// replica and keeps it for keys.JWKSMaxAge, as Cache-Control allows, and
// fetches again only for an expired document, never for an unknown kid.
type cachingVerifier struct {
	fetch     func() []byte
	now       func() time.Time
	set       jose.JSONWebKeySet
	fetchedAt time.Time
}

// verify checks sig over msg with the key kid of its cached JWKS.
func (v *cachingVerifier) verify(kid string, msg, sig []byte) error {
	if v.fetchedAt.IsZero() || v.now().Sub(v.fetchedAt) >= keys.JWKSMaxAge {
		v.set = jose.JSONWebKeySet{}
		if err := json.Unmarshal(v.fetch(), &v.set); err != nil {
			return err
		}
		v.fetchedAt = v.now()
	}
	ks := v.set.Key(kid)
	if len(ks) == 0 {
		return fmt.Errorf("kid %s not in the JWKS cached %v ago", kid, v.now().Sub(v.fetchedAt))
	}
	d := sha256.Sum256(msg)
	if !ecdsa.VerifyASN1(ks[0].Key.(*ecdsa.PublicKey), d[:], sig) {
		return fmt.Errorf("bad signature by %s", kid)
	}
	return nil
}

// TestAutoRotationKeepsVerifying walks a fake clock through four automatic
// rotations (issue 14, acceptance 4). The rotating replica signs a token
// every 10 s around each rotation; the verifier holds a JWKS fetched from
// another replica, which reloads its keys only every --key-reload, for
// the whole JWKS lifetime. Every token verifies, and the loop rotates each
// algorithm exactly once per interval.
func TestAutoRotationKeepsVerifying(t *testing.T) {
	const every = keys.DefaultRotation
	const reload = 30 * time.Second
	c := apptest.NewClock()
	signer, st := ensured(t, c.Now)
	signer.SetReload(reload)
	replica := keys.NewRing(st, sealKey, c.Now)
	if err := replica.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	v := &cachingVerifier{fetch: replica.JWKS, now: c.Now}
	ctx := context.Background()
	tick := make(chan time.Time)
	reports := make(chan []string, 10)
	done := make(chan struct{})
	loopCtx, stop := context.WithCancel(ctx)
	go func() {
		defer close(done)
		signer.AutoRotate(loopCtx, every, tick, func(rotated []string, err error) {
			if err != nil {
				t.Error(err)
			}
			reports <- rotated
		})
	}()
	defer func() { stop(); <-done }()

	lastReload := c.Now()
	var signed, rotations int
	step := func(d time.Duration) {
		c.Advance(d)
		if c.Now().Sub(lastReload) >= reload {
			if err := replica.Load(ctx); err != nil {
				t.Fatal(err)
			}
			lastReload = c.Now()
		}
		tick <- c.Now() // the loop's ticker; the send returns once it is taken
		tick <- c.Now() // and this one once the previous RotateDue finished
		select {
		case algs := <-reports:
			if len(algs) != len(keys.Algs) {
				t.Errorf("rotation %d rotated %v, want every algorithm", rotations+1, algs)
			}
			rotations++
		default:
		}
		cur, err := signer.Current(keys.ES256)
		if err != nil {
			t.Fatal(err)
		}
		msg := []byte(fmt.Sprintf("token %d at %v", signed, c.Now()))
		sum := sha256.Sum256(msg)
		sig, err := ecdsa.SignASN1(rand.Reader, cur.Key.(*ecdsa.PrivateKey), sum[:])
		if err != nil {
			t.Fatal(err)
		}
		if err := v.verify(cur.Kid, msg, sig); err != nil {
			t.Fatalf("token %d signed at %v: %v", signed, c.Now(), err)
		}
		signed++
	}
	for round := 1; round <= 4; round++ {
		step(every - 5*time.Minute)
		for range 60 { // 10 minutes around the rotation, 10 s apart
			step(10 * time.Second)
		}
		if rotations != round {
			t.Fatalf("after %d intervals: %d rotations", round, rotations)
		}
	}
	if got := byState(t, st, keys.ES256); len(got["retired"]) != 4 || len(got["current"]) != 1 || len(got["next"]) != 1 {
		t.Errorf("ES256 after four rotations: %d retired, %d current, %d next", len(got["retired"]), len(got["current"]), len(got["next"]))
	}
	t.Logf("%d tokens verified across %d rotations", signed, rotations)
}
