// Package hdi serves HDI Seguros' "RENOVA TOKEN" service (seed 003,
// corporate/security/v1): a partner authenticates with its API key in the
// query parameter key, names company, application and end user in
// X-Company-Id, X-Application-Id and X-User-Id, and walks
//
//	/authorize  {"applicationCode"}              → {"codeToken"}
//	/token      {"codeToken","applicationCode"}  → {"token": JWT}
//	/tokenrenew {"token","applicationCode"}      → {"token": JWT}
//
// The dialect is a thin adapter over the core's refresh-token rotation
// (PRODUCT.md §2); it holds no rotation logic of its own:
//   - the codeToken is the first refresh token of a fresh session whose
//     first idle timeout is the code's lifetime (60 s), exchanged once at
//     /token with auth.RefreshRequest.NoGrace, so a second use is reuse and
//     revokes the session with every token issued from it;
//   - the JWT carries the session's current refresh token sealed (AES-GCM
//     under a key derived from RENOVA_SECRET) as its jti, so the JWT alone
//     never reveals a refresh token, and /tokenrenew is a plain core
//     Refresh of the unsealed token: rotation, grace replay and reuse
//     detection (revoking the whole chain) come from the core, and each
//     JWT can be renewed once;
//   - X-User-Id names an end user of the partner's own (auth.PartnerUser):
//     never a local account, with the same answer whether or not the
//     tenant has an account of that name, and at most new_users_per_hour
//     creations per partner (429 beyond);
//   - at a mount with legacy=, a JWT renova did not issue is the old HDI
//     system's: adopted once through its own /tokenrenew with the
//     partner's key and headers as received (legacy.go, issue 15).
package hdi

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/renova-auth/renova/docs/openapi"
	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/httpx"
	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/legacy"
)

// Base is the seed's service base path ("Base Path:
// openapi.hdi.com.br/corporate/security/v1"), served under the mount prefix.
const Base = "/corporate/security/v1"

// Mount option defaults (issue 7): the codeToken lives 60 s and an expired
// JWT may be renewed up to 24 h after its exp.
const (
	DefaultCodeTTL     = 60 * time.Second
	DefaultRenewWindow = 24 * time.Hour
)

// Surface serves the HDI endpoints of one mount.
type Surface struct {
	b       dialect.Binding
	codeTTL time.Duration  // lifetime of a codeToken (option code_ttl)
	window  time.Duration  // renewal window after exp (option renew_window)
	aud     string         // the JWT's aud (option aud, default the issuer)
	doc     []byte         // docs/openapi/hdi.json with this mount's server URL
	seal    *sealer        // seals the refresh token into the JWT's jti
	maxNew  int            // the partner's user creations per hour (option new_users_per_hour)
	legacy  *legacy.Caller // the system the mount replaces (legacy=; nil: none), legacy.go
}

// New binds the dialect to a tenant, client and prefix. It fails at start,
// not at request time, when the mount's options or client cannot work:
// unparsable durations, a client without an application code or without the
// refresh_token grant the rotation runs on, or no RS256 key (seed 003's
// tokens are RS256).
func New(b dialect.Binding) (*Surface, error) {
	s := &Surface{b: b, codeTTL: DefaultCodeTTL, window: DefaultRenewWindow, aud: b.Options["aud"], legacy: newLegacy(b)}
	if s.aud == "" {
		s.aud = b.Svc.Issuer()
	}
	if err := s.durations(); err != nil {
		return nil, err
	}
	var err error
	if s.maxNew, err = newUsersOption(b.Options); err != nil {
		return nil, err
	}
	if b.Client.AppCode == "" {
		return nil, fmt.Errorf("hdi: client %q has no application code (renova client create --app-code)", b.Client.ID)
	}
	if !slices.Contains(b.Client.Grants, "refresh_token") {
		return nil, fmt.Errorf("hdi: client %q must allow the refresh_token grant", b.Client.ID)
	}
	if _, err := b.Ring.Current(keys.RS256); err != nil {
		return nil, fmt.Errorf("hdi: %w", err)
	}
	if lim := b.Client.IdleTTL - b.Client.AccessTTL; s.window > lim {
		b.Logger.Warn("hdi: renew_window exceeds the client's idle timeout minus the token lifetime; sessions idle out first",
			"renew_window", s.window, "effective", lim)
	}
	doc, err := openapi.Document("hdi", strings.TrimRight(b.Svc.Issuer(), "/")+b.Prefix)
	if err != nil {
		return nil, fmt.Errorf("hdi: %w", err)
	}
	s.doc = doc
	if s.seal, err = newSvcSealer(b.Svc); err != nil {
		return nil, fmt.Errorf("hdi: %w", err)
	}
	return s, nil
}

// durations reads the code_ttl and renew_window options.
func (s *Surface) durations() error {
	for name, dst := range map[string]*time.Duration{"code_ttl": &s.codeTTL, "renew_window": &s.window} {
		v, ok := s.b.Options[name]
		if !ok {
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("hdi: option %s=%q is not a positive duration (e.g. 60s, 24h)", name, v)
		}
		*dst = d
	}
	return nil
}

// Routes returns the dialect's handlers by ServeMux pattern, under the
// mount's prefix: the seed's three URIs and the OpenAPI document ("Contrato
// de Serviço - Swagger").
func (s *Surface) Routes() map[string]http.Handler {
	p := "POST " + s.b.Prefix + Base
	return map[string]http.Handler{
		p + "/authorize":  s.adapt("authorize", s.authorize),
		p + "/token":      s.adapt("token", s.token),
		p + "/tokenrenew": s.adapt("tokenrenew", s.renew),
		"GET " + s.b.Prefix + Base + "/openapi.json": http.HandlerFunc(s.openapi),
	}
}

// adapt wraps a call's handler with the error writer of that call.
func (s *Surface) adapt(call string, h httpx.HandlerFunc) http.Handler {
	return s.errs(call).Handle(h)
}

// openapi serves the OpenAPI document of this mount.
func (s *Surface) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.doc)
}
