package server

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/renova-auth/renova/internal/httpx"
)

// corsMaxAge is how long a browser may reuse a preflight answer. Revoking
// an origin still takes effect within originTTL: every actual answer is
// checked again, and without Access-Control-Allow-Origin the browser keeps
// it from the script.
const corsMaxAge = 10 * time.Minute

// originTTL is how stale the cached union of the clients' origins may be:
// long enough that a burst of preflights costs one query, short enough
// that `renova client update --origins` is felt at once.
const originTTL = 3 * time.Second

// corsHeaders are the request headers every surface accepts from a
// browser script; a dialect adds its own (see dialects in mounts.go).
var corsHeaders = []string{"Authorization", "Content-Type", "Accept", "X-Trace-Id"}

// corsRule is how one surface answers browsers: which origins may call,
// which request headers they may send and on which of its paths.
type corsRule struct {
	allowed func(origin string, r *http.Request) bool
	headers []string
	applies func(path string) bool
}

// fetched reports whether a standard route is one a browser script calls
// with fetch: the token, revoke, introspect, userinfo and JWKS endpoints
// under /oauth2/ and the discovery documents an SPA's OIDC library reads
// first. Authorize, login and logout are navigations of the whole page,
// where CORS does not apply.
func fetched(path string) bool {
	for _, nav := range []string{"/oauth2/authorize", "/oauth2/login", "/oauth2/logout"} {
		if path == nav || strings.HasPrefix(path, nav+"/") {
			return false
		}
	}
	return strings.HasPrefix(path, "/oauth2/") || strings.HasPrefix(path, "/.well-known/")
}

// standardCORS is the rule of the standard surface: the origins of every
// client, since the route alone does not say which client calls.
func (a *App) standardCORS() *corsRule {
	c := &originCache{now: a.Svc.Now, ttl: originTTL, logger: a.Logger, load: a.clientOrigins}
	return &corsRule{allowed: c.allowed, headers: corsHeaders, applies: fetched}
}

// clientOrigins returns the union of every client's Origins.
func (a *App) clientOrigins(ctx context.Context) (map[string]bool, error) {
	if a.Cfg.StoreTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.Cfg.StoreTimeout)
		defer cancel()
	}
	clients, err := a.Store.ListClients(ctx, "")
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, c := range clients {
		for _, o := range c.Origins {
			set[o] = true
		}
	}
	return set, nil
}

// mountCORS is the rule of a dialect mount: its origins option on every
// route of the mount, or nil (no CORS) when the option is absent.
func mountCORS(origins, extraHeaders []string) *corsRule {
	if len(origins) == 0 {
		return nil
	}
	return &corsRule{
		allowed: func(origin string, r *http.Request) bool { return slices.Contains(origins, origin) },
		headers: append(slices.Clone(corsHeaders), extraHeaders...),
		applies: func(string) bool { return true },
	}
}

// originCache keeps the allowed origins for ttl, so that a preflight costs
// no query. One caller reloads while the others wait for its answer; a
// failed reload keeps the previous set (logged) and is retried after ttl,
// so a database outage is not multiplied by every browser request.
type originCache struct {
	now    func() time.Time
	ttl    time.Duration
	logger *slog.Logger
	load   func(context.Context) (map[string]bool, error)

	mu  sync.Mutex
	set map[string]bool
	at  time.Time
	ok  bool // set has been loaded once
}

// allowed reports whether origin is in the cached set, reloading it first
// when it is older than ttl.
func (c *originCache) allowed(origin string, r *http.Request) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if !c.ok || now.Sub(c.at) >= c.ttl || now.Before(c.at) {
		set, err := c.load(r.Context())
		if err != nil {
			c.logger.Warn("load CORS origins; keeping the previous ones", "err", err)
		} else {
			c.set = set
		}
		c.at, c.ok = now, true
	}
	return c.set[origin]
}

// route is one registered ServeMux pattern with the CORS rule of the
// surface that claims it.
type route struct {
	pattern, method, path string
	h                     http.Handler
	rule                  *corsRule
}

// newRoute splits a pattern ("POST /oauth2/token" or "/path") into its
// method and path.
func newRoute(pattern string, h http.Handler, rule *corsRule) route {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	}
	return route{pattern: pattern, method: method, path: path, h: h, rule: rule}
}

// cors reports whether the route answers browsers.
func (rt route) cors() bool { return rt.rule != nil && rt.rule.applies(rt.path) }

// corsPath is what the routes of one path say about CORS: the policy
// made of their methods and rules, and the method-less handler a surface
// may claim the path with, which still answers an OPTIONS that is not a
// preflight.
type corsPath struct {
	policy httpx.CORSPolicy
	rules  []*corsRule
	bare   http.Handler
	own    bool // a surface answers OPTIONS itself
}

// corsTable holds the CORS policy of every path that has one. ServeMux
// patterns are method-specific, so a preflight (OPTIONS) would otherwise
// reach the catch-all 404: register adds an OPTIONS route per path.
type corsTable map[string]*corsPath

// newCORSTable gathers the policies of routes by path. Two surfaces on
// one path (one POST, one GET) share it: an origin either allows is let in.
func newCORSTable(routes []route) corsTable {
	t := corsTable{}
	for _, rt := range routes {
		if !rt.cors() {
			continue
		}
		cp := t[rt.path]
		if cp == nil {
			cp = &corsPath{policy: httpx.CORSPolicy{MaxAge: corsMaxAge}}
			t[rt.path] = cp
		}
		if !slices.Contains(cp.rules, rt.rule) {
			cp.rules = append(cp.rules, rt.rule)
		}
		switch rt.method {
		case "":
			cp.bare = rt.h
		case http.MethodOptions:
			cp.own = true
		default:
			if !slices.Contains(cp.policy.Methods, rt.method) {
				cp.policy.Methods = append(cp.policy.Methods, rt.method)
			}
		}
	}
	for _, cp := range t {
		cp.finish()
	}
	return t
}

// finish sorts the methods and merges the rules into the policy.
func (cp *corsPath) finish() {
	slices.Sort(cp.policy.Methods)
	for _, r := range cp.rules {
		for _, h := range r.headers {
			if !slices.Contains(cp.policy.Headers, h) {
				cp.policy.Headers = append(cp.policy.Headers, h)
			}
		}
	}
	rules := cp.rules
	cp.policy.Allowed = func(origin string, r *http.Request) bool {
		return slices.ContainsFunc(rules, func(c *corsRule) bool { return c.allowed(origin, r) })
	}
}

// wrap returns the route's handler behind the CORS middleware when the
// route answers browsers, as it is otherwise.
func (t corsTable) wrap(rt route) http.Handler {
	if !rt.cors() {
		return rt.h
	}
	return httpx.CORS(t[rt.path].policy, rt.h)
}

// register adds an OPTIONS route to every path with a policy, unless its
// surface answers OPTIONS itself. An OPTIONS that is no preflight goes on
// to the surface's method-less handler or, without one, to fallback.
func (t corsTable) register(mux *http.ServeMux, fallback http.Handler) {
	for path, cp := range t {
		if cp.own {
			continue
		}
		next := fallback
		if cp.bare != nil {
			next = cp.bare
		}
		mux.Handle(http.MethodOptions+" "+path, httpx.CORS(cp.policy, next))
	}
}
