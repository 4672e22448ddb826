// Package admin serves renova's admin API under /admin/v1 (issue 13):
// tenants, users, clients and their secrets, sessions, signing keys and
// the audit trail, as JSON in and out with RFC 9457 problem details.
//
// Like a dialect it is a thin surface over the core: it authenticates the
// caller's bearer token (auth.Service.AdminActor), decodes the request
// strictly (unknown or repeated members refused), calls one core
// operation with the resulting auth.Actor, and encodes the answer. The
// rules (tenant scoping, validation, audit of every call) live in the
// core, which the command line calls too.
package admin

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// Prefix is where the admin API lives.
const Prefix = "/admin/v1"

// Surface is the admin API.
type Surface struct {
	svc    *auth.Service
	logger *slog.Logger
}

// New builds the admin API over the core.
func New(svc *auth.Service, logger *slog.Logger) *Surface {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Surface{svc: svc, logger: logger}
}

// handler is an admin handler: it gets the authenticated actor.
type handler func(w http.ResponseWriter, r *http.Request, a auth.Actor) error

// Routes returns every admin route by ServeMux pattern ("METHOD /path").
// docs/openapi/admin.json documents each of them.
func (s *Surface) Routes() map[string]http.Handler {
	t := Prefix + "/tenants/{tenant}"
	routes := map[string]handler{
		"POST " + Prefix + "/tenants":               s.createTenant,
		"GET " + Prefix + "/tenants":                s.listTenants,
		"GET " + t:                                  s.getTenant,
		"PATCH " + t:                                s.updateTenant,
		"POST " + t + "/users":                      s.createUser,
		"GET " + t + "/users":                       s.listUsers,
		"POST " + t + "/users/import":               s.importUsers,
		"GET " + t + "/users/{user}":                s.getUser,
		"PATCH " + t + "/users/{user}":              s.updateUser,
		"DELETE " + t + "/users/{user}":             s.deleteUser,
		"POST " + t + "/users/{user}/disable":       s.disableUser,
		"POST " + t + "/users/{user}/enable":        s.enableUser,
		"PUT " + t + "/users/{user}/password":       s.setPassword,
		"DELETE " + t + "/users/{user}/sessions":    s.revokeUserSessions,
		"POST " + t + "/clients":                    s.createClient,
		"GET " + t + "/clients":                     s.listClients,
		"GET " + t + "/clients/{client}":            s.getClient,
		"PATCH " + t + "/clients/{client}":          s.updateClient,
		"DELETE " + t + "/clients/{client}":         s.deleteClient,
		"POST " + t + "/clients/{client}/secret":    s.rotateSecret,
		"POST " + t + "/clients/{client}/api-key":   s.rotateAPIKey,
		"DELETE " + t + "/clients/{client}/api-key": s.deleteAPIKey,
		"GET " + t + "/sessions":                    s.listSessions,
		"POST " + t + "/sessions/import":            s.importSessions,
		"DELETE " + t + "/sessions/{session}":       s.revokeSession,
		"GET " + Prefix + "/keys":                   s.listKeys,
		"POST " + Prefix + "/keys/rotate":           s.rotateKey,
		"GET " + Prefix + "/audit":                  s.queryAudit,
		"GET " + Prefix + "/audit/export":           s.exportAudit,
	}
	out := make(map[string]http.Handler, len(routes))
	for p, h := range routes {
		out[p] = s.adapt(h)
	}
	return out
}

// adapt authenticates the bearer token, runs h with its actor, and
// answers any error as problem details.
func (s *Surface) adapt(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.actor(r)
		if err == nil {
			err = h(w, r, a)
			// The core audits every operation it runs; a request refused
			// before reaching it is audited here.
			if httpx.IsDecode(err) != nil {
				s.svc.AuditRefused(r.Context(), a)
			}
		}
		if err != nil {
			writeError(s.logger, w, r, err)
		}
	})
}

// actor authenticates the request's bearer token (RFC 6750 §2.1).
func (s *Surface) actor(r *http.Request) (auth.Actor, error) {
	m := httpx.Meta(r)
	h := r.Header.Get("Authorization")
	if h == "" {
		return auth.Actor{}, errNoToken
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if h != "" && (!ok || !strings.EqualFold(scheme, "Bearer") || tok == "") {
		return auth.Actor{}, errBadBearer
	}
	return s.svc.AdminActor(r.Context(), strings.TrimSpace(tok), m)
}
