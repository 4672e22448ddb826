// Package icredit serves the iCredit dialect (seed 000, see
// ../../../shared/seeds/README.md): the Auth group of an iCredit-style
// NestJS API (login, refresh, logout, update-password) and Users/me, JSON
// only, so that existing iCredit front ends work against renova by changing
// only their base URL.
//
// It is a thin adapter over the core: every request is decoded at the edge
// (decode.go), mapped onto one auth.Service call (handlers.go) and its result
// or error written in the vendor's shape (encode.go). Rotation, the grace
// window, reuse detection and expiry all live in the core.
package icredit

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/httpx"
)

// Native paths of the seed's Auth and Users groups. The seed documents
// "POST /api/v1/auth/refresh"; its navigation lists the siblings.
const (
	pathLogin          = "/api/v1/auth/login"
	pathRefresh        = "/api/v1/auth/refresh"
	pathLogout         = "/api/v1/auth/logout"
	pathUpdatePassword = "/api/v1/auth/update-password"
	pathMe             = "/api/v1/users/me"
)

// Surface serves the iCredit endpoints of one mount: one tenant, one
// client, one path prefix.
type Surface struct {
	b      dialect.Binding
	svc    *auth.Service
	logger *slog.Logger
	legacy *auth.Legacy // the system the mount replaces (legacy.go); nil: none
}

// New binds the dialect to a tenant, client and prefix. The dialect takes
// no mount options; an unknown one fails the start rather than being
// silently ignored (STYLE.md: fail at start, not at request time).
func New(b dialect.Binding) (*Surface, error) {
	if b.Svc == nil || b.Tenant == nil || b.Client == nil {
		return nil, fmt.Errorf("icredit: binding needs a service, a tenant and a client")
	}
	var unknown []string
	for k := range b.Options {
		unknown = append(unknown, k)
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("icredit: unknown mount option(s) %s; the dialect takes none", strings.Join(unknown, ", "))
	}
	logger := b.Logger
	if logger == nil {
		logger = slog.Default()
	}
	return &Surface{b: b, svc: b.Svc, logger: logger, legacy: newLegacy(b)}, nil
}

// Routes returns the dialect's handlers by ServeMux pattern ("POST
// /prefix/path"), under the mount's prefix. Each path is also claimed
// without a method, so a wrong method gets NestJS's own 404 ("Cannot GET
// /path") in the dialect's JSON error shape instead of a plain-text 405.
func (s *Surface) Routes() map[string]http.Handler {
	p := s.b.Prefix
	routes := map[string]http.Handler{
		"POST " + p + pathLogin:          s.adapt(s.login),
		"POST " + p + pathRefresh:        s.adapt(s.refresh),
		"POST " + p + pathLogout:         s.adapt(s.logout),
		"POST " + p + pathUpdatePassword: s.adapt(s.updatePassword),
		"GET " + p + pathMe:              s.adapt(s.me),
	}
	for _, path := range []string{pathLogin, pathRefresh, pathLogout, pathUpdatePassword, pathMe} {
		routes[p+path] = s.adapt(notFound)
	}
	return routes
}

// adapt turns an error-returning handler into an http.Handler whose errors
// are answered in the NestJS shape.
func (s *Surface) adapt(h httpx.HandlerFunc) http.Handler {
	return httpx.Errors{Logger: s.logger, Status: status, Write: writeError}.Handle(h)
}
