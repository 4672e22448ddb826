// Package keys manages signing keys: generation, encryption at rest,
// the next → current → retired life cycle and the published JWKS
// (PRODUCT.md §1). A key is published as "next" before it ever signs, so a
// rotation never leaves a fresh token unverifiable from the JWKS.
package keys

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// Supported signing algorithms. ES256 is the default: about 30 µs a token,
// where RS256 costs about 1 ms.
const (
	ES256 = "ES256"
	RS256 = "RS256"
	EdDSA = "EdDSA"
)

// Algs lists the algorithms renova signs with.
var Algs = []string{ES256, RS256, EdDSA}

// RetiredGrace is how long a retired key stays in the JWKS when the ring
// does not know the longest token lifetime (SetTokenLifetime; RetiredFor).
const RetiredGrace = 48 * time.Hour

// JWKSMaxAge is how long a verifier may cache the JWKS: the max-age of
// the Cache-Control header on /oauth2/jwks. A next key must have been
// published at least this long (plus the replicas' key reload interval)
// before it signs, or a verifier holding the previous document would
// refuse the tokens it signs.
const JWKSMaxAge = 60 * time.Second

// Signer is a current private key.
type Signer struct {
	Kid string
	Alg string
	Key crypto.Signer
	// HexKid is the key's 40-hex-digit alias (SHA-1 of its PKIX form), also
	// published in the JWKS, for RSA keys only: HDI's tokens carry such a
	// kid (seed 003).
	HexKid string
}

// Ring is the in-memory view of the signing keys of one process.
type Ring struct {
	st   store.Keys
	seal []byte // AES-256 key sealing private keys at rest
	now  func() time.Time
	// reload is how often replicas re-read the keys (--key-reload): a key
	// stored now is in every replica's JWKS only that much later.
	reload time.Duration
	// lifetime finds the longest token lifetime (SetTokenLifetime).
	lifetime func(ctx context.Context) (time.Duration, error)

	mu      sync.RWMutex
	current map[string]*Signer          // by alg
	public  map[string]crypto.PublicKey // by kid: every published key
	algOf   map[string]string           // kid → alg
	jwks    []byte
}

// NewRing returns a ring over st whose private keys are sealed with seal.
func NewRing(st store.Keys, seal []byte, now func() time.Time) *Ring {
	return &Ring{st: st, seal: seal, now: now}
}

// SetReload tells the ring how often replicas re-read the keys
// (--key-reload); 0 when they do not.
func (r *Ring) SetReload(d time.Duration) { r.reload = max(d, 0) }

// MinNextAge is how long a next key must have been stored before Rotate
// promotes it: every replica publishes it within the reload interval, and
// every verifier's cached JWKS holds it JWKSMaxAge after that.
func (r *Ring) MinNextAge() time.Duration { return JWKSMaxAge + r.reload }

// TooYoungError is Rotate's refusal to promote a next key that verifiers
// may not have fetched yet.
type TooYoungError struct {
	Alg    string
	Age    time.Duration // how long the next key has been stored
	MinAge time.Duration // Ring.MinNextAge
}

// Wait is how long until the next key may be promoted.
func (e *TooYoungError) Wait() time.Duration {
	return max(e.MinAge-e.Age, time.Second).Round(time.Second)
}

func (e *TooYoungError) Error() string {
	return fmt.Sprintf("%s: the next key was published %s ago and verifiers may not have it yet "+
		"(JWKS cache %s + key reload %s): wait %s, or force the rotation",
		e.Alg, e.Age.Round(time.Second), JWKSMaxAge, e.MinAge-JWKSMaxAge, e.Wait())
}

// Unwrap makes the refusal store.ErrKeyTooYoung.
func (e *TooYoungError) Unwrap() error { return store.ErrKeyTooYoung }

// Ensure creates a current and a next key for every algorithm that lacks
// one; it runs on start.
func (r *Ring) Ensure(ctx context.Context) error {
	have, err := r.st.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("list keys: %w", err)
	}
	state := map[string]bool{}
	for _, k := range have {
		state[k.Alg+"/"+k.State] = true
	}
	for _, alg := range Algs {
		for _, s := range []string{store.KeyCurrent, store.KeyNext} {
			if state[alg+"/"+s] {
				continue
			}
			k, err := r.generate(alg, s)
			if err != nil {
				return err
			}
			if err := r.st.CreateKey(ctx, k); err != nil {
				return fmt.Errorf("store %s key: %w", alg, err)
			}
		}
	}
	return r.Load(ctx)
}

// Load reads the keys from the store and rebuilds the signers and JWKS.
// Servers call it periodically so replicas follow a rotation.
func (r *Ring) Load(ctx context.Context) error {
	all, err := r.st.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("load keys: %w", err)
	}
	keep, err := r.RetiredFor(ctx)
	if err != nil {
		return fmt.Errorf("load keys: %w", err)
	}
	current := map[string]*Signer{}
	public := map[string]crypto.PublicKey{}
	algOf := map[string]string{}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	set.Keys = []json.RawMessage{}
	for _, k := range all {
		if k.State == store.KeyRetired && r.now().Sub(k.RetiredAt) > keep {
			continue
		}
		priv, err := r.private(k)
		if err != nil {
			return err
		}
		public[k.ID], algOf[k.ID] = priv.Public(), k.Alg
		set.Keys = append(set.Keys, k.Public)
		hexKid := ""
		if k.Alg == RS256 {
			alias, err := aliasJWK(k.Public, priv.Public())
			if err != nil {
				return err
			}
			hexKid = alias.Kid
			public[hexKid], algOf[hexKid] = priv.Public(), k.Alg
			b, _ := json.Marshal(alias)
			set.Keys = append(set.Keys, b)
		}
		if k.State == store.KeyCurrent {
			current[k.Alg] = &Signer{Kid: k.ID, Alg: k.Alg, Key: priv, HexKid: hexKid}
		}
	}
	jwks, err := json.Marshal(set)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.current, r.public, r.algOf, r.jwks = current, public, algOf, jwks
	r.mu.Unlock()
	return nil
}

// Current returns the signer of alg.
func (r *Ring) Current(alg string) (*Signer, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s := r.current[alg]
	if s == nil {
		return nil, fmt.Errorf("no current %s key", alg)
	}
	return s, nil
}

// Public returns the published public key kid and its algorithm.
func (r *Ring) Public(kid string) (crypto.PublicKey, string, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	k, ok := r.public[kid]
	return k, r.algOf[kid], ok
}

// JWKS returns the published key set (RFC 7517 §5) as JSON. It is built
// once per Load, not per request: every verifier polls it.
func (r *Ring) JWKS() []byte {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.jwks
}

// Rotate retires the current key of alg, promotes the next key and
// publishes a fresh next key. It refuses with a *TooYoungError, changing
// nothing, when the next key was stored less than MinNextAge ago: two
// rotations in a row would otherwise sign with a key created a second ago,
// which verifiers holding a cached JWKS refuse.
func (r *Ring) Rotate(ctx context.Context, alg string) error {
	now := r.now()
	err := r.rotate(ctx, alg, now, now.Add(-r.MinNextAge()))
	if !errors.Is(err, store.ErrKeyTooYoung) {
		return err
	}
	tooYoung := &TooYoungError{Alg: alg, MinAge: r.MinNextAge()}
	if next, lerr := r.next(ctx, alg); lerr == nil {
		tooYoung.Age = now.Sub(next.CreatedAt)
	}
	return tooYoung
}

// ForceRotate is Rotate without the age check, for a compromised key:
// verifiers that cached the JWKS within MinNextAge refuse the new tokens
// until they fetch it again.
func (r *Ring) ForceRotate(ctx context.Context, alg string) error {
	return r.rotate(ctx, alg, r.now(), time.Time{})
}

// rotate promotes alg's next key if it was stored by publishedBy (zero:
// whenever) and reloads the ring.
func (r *Ring) rotate(ctx context.Context, alg string, now, publishedBy time.Time) error {
	fresh, err := r.generate(alg, store.KeyNext)
	if err != nil {
		return err
	}
	fresh.CreatedAt = now
	if err := r.st.RotateKeys(ctx, alg, fresh, now, publishedBy); err != nil {
		if errors.Is(err, store.ErrKeyTooYoung) {
			return err
		}
		return fmt.Errorf("rotate %s keys: %w", alg, err)
	}
	return r.Load(ctx)
}

// next returns alg's stored next key.
func (r *Ring) next(ctx context.Context, alg string) (*store.Key, error) {
	all, err := r.st.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range all {
		if k.Alg == alg && k.State == store.KeyNext {
			return k, nil
		}
	}
	return nil, store.ErrNotFound
}

// private opens k's sealed PKCS#8 private key. Load opens every published
// key (it takes the public half from it), so a wrong RENOVA_SECRET fails
// the start, not a later request.
func (r *Ring) private(k *store.Key) (crypto.Signer, error) {
	der, err := open(r.seal, k.ID, k.Private)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", k.ID, err)
	}
	p, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", k.ID, err)
	}
	s, ok := p.(crypto.Signer)
	if !ok {
		return nil, errors.New("key is not a signer")
	}
	return s, nil
}

// generate makes a fresh key of alg in state. Only a key born current (on
// the first start) is active at once; a next key gets ActivatedAt when a
// rotation promotes it.
func (r *Ring) generate(alg, state string) (*store.Key, error) {
	priv, err := newPrivate(alg)
	if err != nil {
		return nil, err
	}
	jwk, err := publicJWK(alg, priv.Public())
	if err != nil {
		return nil, err
	}
	pub, _ := json.Marshal(jwk)
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	sealed, err := seal(r.seal, jwk.Kid, der)
	if err != nil {
		return nil, err
	}
	k := &store.Key{ID: jwk.Kid, Alg: alg, State: state, Public: pub, Private: sealed, CreatedAt: r.now()}
	if state == store.KeyCurrent {
		k.ActivatedAt = k.CreatedAt
	}
	return k, nil
}

// newPrivate generates a private key for alg. RSA keys have 2048 bits, the
// minimum RFC 7518 §3.3 allows for RS256.
func newPrivate(alg string) (crypto.Signer, error) {
	switch alg {
	case ES256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case RS256:
		return rsa.GenerateKey(rand.Reader, 2048)
	case EdDSA:
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	}
	return nil, fmt.Errorf("unsupported signing algorithm %q", alg)
}
