// Package standard is renova's own surface: OAuth 2.0 (RFC 6749) token,
// revocation (RFC 7009), introspection (RFC 7662), JWKS and discovery
// (RFC 8414, OpenID Connect Discovery), and the browser sign-in of OpenID
// Connect: authorization endpoint, hosted login page, userinfo and
// RP-initiated logout. It is a thin adapter over auth.
package standard

import (
	"log/slog"
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
	"github.com/renova-auth/renova/internal/keys"
)

// Surface serves the standard endpoints.
type Surface struct {
	svc    *auth.Service
	ring   *keys.Ring
	logger *slog.Logger
	key    []byte // HMAC key of the login form's CSRF tokens
}

// New returns the standard surface. key signs the login form's CSRF
// tokens; derive it from the service secret so that every replica
// accepts the forms of the others.
func New(svc *auth.Service, ring *keys.Ring, logger *slog.Logger, key []byte) *Surface {
	return &Surface{svc: svc, ring: ring, logger: logger, key: key}
}

// Routes returns the surface's handlers by ServeMux pattern.
func (s *Surface) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST /oauth2/token":                          s.adapt(s.token),
		"POST /oauth2/revoke":                         s.adapt(s.revoke),
		"POST /oauth2/introspect":                     s.adapt(s.introspect),
		"GET /oauth2/jwks":                            http.HandlerFunc(s.jwks),
		"GET /oauth2/authorize":                       s.pages(s.authorize),
		"POST /oauth2/authorize":                      s.pages(s.authorize),
		"POST " + loginPath:                           s.pages(s.login),
		"GET /oauth2/userinfo":                        s.bearer(s.userinfo),
		"POST /oauth2/userinfo":                       s.bearer(s.userinfo),
		"GET /oauth2/logout":                          s.pages(s.logout),
		"POST /oauth2/logout":                         s.pages(s.logout),
		"GET /.well-known/openid-configuration":       http.HandlerFunc(s.discovery),
		"GET /.well-known/oauth-authorization-server": http.HandlerFunc(s.discovery),
	}
}

// adapt answers a handler's errors in the RFC 6749 §5.2 shape.
func (s *Surface) adapt(h httpx.HandlerFunc) http.Handler {
	return httpx.Errors{Logger: s.logger, Status: status, Write: writeError}.Handle(h)
}

// status gives a core error its RFC 6749 §5.2 (or RFC 6750 §3.1) status.
func status(err error) (int, bool) {
	ae := auth.AsError(err)
	if ae == nil {
		return 0, false
	}
	return httpx.Status(ae.Code), true
}

// writeError writes decode errors as invalid_request, core errors with
// their code, description and reason (and the Basic challenge RFC 6749
// §5.2 asks of a 401 invalid_client), anything else as server_error that
// only quotes the trace id. A 503 carries the core's real Retry-After (a
// throttled login waits minutes, not one second).
func writeError(w http.ResponseWriter, r *http.Request, p httpx.Problem) {
	if p.Auth != nil && p.Auth.Code == auth.InvalidClient {
		w.Header().Set("WWW-Authenticate", `Basic realm="renova", charset="UTF-8"`)
	}
	httpx.WriteJSON(w, p.Status, httpx.OAuth(p))
}
