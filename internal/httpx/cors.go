package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CORSExposed are the response headers a browser script may read besides
// the CORS-safelisted ones: the trace id to quote in a support request,
// Retry-After on a throttled login and WWW-Authenticate on a refused bearer
// token (RFC 6750 §3).
const CORSExposed = "X-Trace-Id, Retry-After, WWW-Authenticate"

// CORSPolicy says which browser origins may call a route and how, for the
// CORS protocol of the Fetch standard (https://fetch.spec.whatwg.org/#http-cors-protocol).
// renova never sends Access-Control-Allow-Credentials: no surface uses
// cookies on these routes, and a bearer token or client secret in a header
// needs no credentials mode.
type CORSPolicy struct {
	// Allowed reports whether origin may call; it runs on every request
	// that carries an Origin header, so it must be cheap.
	Allowed func(origin string, r *http.Request) bool
	// Methods are the route's methods, e.g. GET and POST.
	Methods []string
	// Headers are the request headers a caller may send, e.g.
	// Authorization and Content-Type.
	Headers []string
	// MaxAge is how long a browser may reuse a preflight answer; zero
	// leaves it to the browser (5 s by the Fetch standard).
	MaxAge time.Duration
}

// CORS answers preflights itself and marks the answers of next readable to
// the allowed origins. The origin is echoed exactly, never "*", and only
// when p.Allowed says so; a refused origin gets no CORS header at all, so
// the browser keeps the answer from the script. Requests without an Origin
// header pass untouched.
func CORS(p CORSPolicy, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			p.preflight(w, r, origin)
			return
		}
		if p.Allowed(origin, r) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Expose-Headers", CORSExposed)
		}
		next.ServeHTTP(w, r)
	})
}

// preflight answers an OPTIONS preflight: 204 with the grant, or 403
// without any CORS header for an origin or method the route refuses.
func (p CORSPolicy) preflight(w http.ResponseWriter, r *http.Request, origin string) {
	h := w.Header()
	h.Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
	if !slices.Contains(p.Methods, r.Header.Get("Access-Control-Request-Method")) || !p.Allowed(origin, r) {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Methods", strings.Join(p.Methods, ", "))
	if granted := p.granted(r.Header.Values("Access-Control-Request-Headers")); len(granted) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(granted, ", "))
	}
	if p.MaxAge > 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(int(p.MaxAge/time.Second)))
	}
	w.WriteHeader(http.StatusNoContent)
}

// granted returns the requested headers that p allows, in p's spelling.
// A header asked for but not allowed is left out, and the browser then
// refuses the request itself.
func (p CORSPolicy) granted(requested []string) []string {
	var out []string
	for _, line := range requested {
		for name := range strings.SplitSeq(line, ",") {
			i := slices.IndexFunc(p.Headers, func(h string) bool { return strings.EqualFold(h, strings.TrimSpace(name)) })
			if i >= 0 && !slices.Contains(out, p.Headers[i]) {
				out = append(out, p.Headers[i])
			}
		}
	}
	return out
}

// CheckOrigin reports whether s is an origin as browsers serialise it
// (RFC 6454 §6.1): scheme://host[:port], lower case, no path, query,
// fragment or user, no default port and no wildcard, so that the exact
// comparison with a request's Origin header can match.
func CheckOrigin(s string) error {
	if s == "" || s == "null" || strings.Contains(s, "*") {
		return fmt.Errorf("origin %q: want scheme://host[:port]; wildcards and null are never allowed", s)
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Hostname() == "" || strings.HasSuffix(u.Host, ":") || s != u.Scheme+"://"+u.Host {
		return fmt.Errorf("origin %q: want scheme://host[:port] with no path, query, fragment or user", s)
	}
	if s != strings.ToLower(s) {
		return fmt.Errorf("origin %q: browsers send origins in lower case", s)
	}
	if port := u.Port(); port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("origin %q: bad port", s)
		}
		if (u.Scheme == "http" && n == 80) || (u.Scheme == "https" && n == 443) {
			return fmt.Errorf("origin %q: browsers send it without the default port %d", s, n)
		}
	}
	return nil
}
