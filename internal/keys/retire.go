package keys

import (
	"context"
	"fmt"
	"time"
)

// ClockSkew is the leeway a verifier may allow past a token's exp (5
// minutes is the usual ceiling: go-oidc, jose4j, Spring's default 60 s is
// below it). A retired key stays published that much longer than the
// tokens it signed live.
const ClockSkew = 5 * time.Minute

// SetTokenLifetime tells the ring how to find the longest lifetime any
// token signed by its keys may have: the server passes the longest access
// token lifetime of every client (ID tokens and HDI's JWT live as long).
// Load calls it each time, so a client created with a longer lifetime
// keeps retired keys longer from the next load on. Without it a retired
// key stays RetiredGrace.
func (r *Ring) SetTokenLifetime(f func(ctx context.Context) (time.Duration, error)) {
	r.lifetime = f
}

// RetiredFor is how long a key stays published after it was retired: a
// replica that has not reloaded yet may sign with it for up to the reload
// interval after the rotation, the token lives the longest lifetime, and
// a verifier accepts it ClockSkew past its exp. The JWKS Cache-Control
// (JWKSMaxAge) only lets a verifier keep a removed key longer, never lose
// one sooner, so it does not add to this.
func (r *Ring) RetiredFor(ctx context.Context) (time.Duration, error) {
	if r.lifetime == nil {
		return RetiredGrace, nil
	}
	ttl, err := r.lifetime(ctx)
	if err != nil {
		return 0, fmt.Errorf("longest token lifetime: %w", err)
	}
	return r.reload + ttl + ClockSkew, nil
}
