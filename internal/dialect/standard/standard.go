// Package standard is renova's own surface: OAuth 2.0 (RFC 6749) token,
// revocation (RFC 7009), introspection (RFC 7662), JWKS and discovery
// (RFC 8414, OpenID Connect Discovery). It is a thin adapter over auth.
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
}

// New returns the standard surface.
func New(svc *auth.Service, ring *keys.Ring, logger *slog.Logger) *Surface {
	return &Surface{svc: svc, ring: ring, logger: logger}
}

// Routes returns the surface's handlers by ServeMux pattern.
func (s *Surface) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST /oauth2/token":                          s.adapt(s.token),
		"POST /oauth2/revoke":                         s.adapt(s.revoke),
		"POST /oauth2/introspect":                     s.adapt(s.introspect),
		"GET /oauth2/jwks":                            http.HandlerFunc(s.jwks),
		"GET /.well-known/openid-configuration":       http.HandlerFunc(s.discovery),
		"GET /.well-known/oauth-authorization-server": http.HandlerFunc(s.discovery),
	}
}

func (s *Surface) adapt(h httpx.HandlerFunc) http.Handler { return httpx.Adapt(h, s.writeError) }

// errorBody is the RFC 6749 §5.2 error response plus renova's reason.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// writeError maps decode errors to invalid_request, auth errors to their
// RFC status, and anything else to a logged 500 without detail.
func (s *Surface) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if de := httpx.IsDecode(err); de != nil {
		httpx.WriteJSON(w, de.Status, errorBody{Error: auth.InvalidRequest, Description: de.Error()})
		return
	}
	ae := auth.AsError(err)
	if ae == nil {
		httpx.Internal(s.logger, r, err)
		httpx.WriteJSON(w, http.StatusInternalServerError, errorBody{Error: auth.ServerError, Description: "internal error; trace id " + httpx.TraceID(r.Context())})
		return
	}
	if ae.Cause != nil {
		s.logger.WarnContext(r.Context(), "request failed", "code", ae.Code, "err", ae.Cause, "trace_id", httpx.TraceID(r.Context()))
	}
	switch ae.Code {
	case auth.InvalidClient:
		w.Header().Set("WWW-Authenticate", `Basic realm="renova", charset="UTF-8"`)
	case auth.TemporarilyUnavailable:
		w.Header().Set("Retry-After", "1")
	}
	httpx.WriteJSON(w, httpx.Status(ae.Code), errorBody{Error: ae.Code, Description: ae.Description, Reason: ae.Reason})
}
