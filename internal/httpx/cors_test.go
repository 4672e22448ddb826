package httpx

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestCORS drives the middleware with one request per case and compares
// every CORS header of the answer, and whether the route's handler ran.
func TestCORS(t *testing.T) {
	p := CORSPolicy{
		Allowed: func(origin string, r *http.Request) bool { return origin == "https://app.example" },
		Methods: []string{"GET", "POST"},
		Headers: []string{"Authorization", "Content-Type", "X-Trace-Id"},
		MaxAge:  10 * time.Minute,
	}
	const ok = "https://app.example"
	cases := []struct {
		name    string
		method  string
		header  map[string]string
		status  int
		want    map[string]string // CORS headers; absent ones must be empty
		reached bool              // the route's handler ran
	}{
		{"no origin", "POST", nil, 200, nil, true},
		{"allowed actual", "POST", map[string]string{"Origin": ok}, 200,
			map[string]string{"Access-Control-Allow-Origin": ok, "Access-Control-Expose-Headers": CORSExposed, "Vary": "Origin"}, true},
		{"refused actual", "POST", map[string]string{"Origin": "https://evil.example"}, 200,
			map[string]string{"Vary": "Origin"}, true},
		{"allowed preflight", "OPTIONS", map[string]string{"Origin": ok, "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "content-type, authorization"}, 204,
			map[string]string{"Access-Control-Allow-Origin": ok, "Access-Control-Allow-Methods": "GET, POST",
				"Access-Control-Allow-Headers": "Content-Type, Authorization", "Access-Control-Max-Age": "600",
				"Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}, false},
		{"preflight asks an unlisted header", "OPTIONS", map[string]string{"Origin": ok, "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "x-secret,x-trace-id"}, 204,
			map[string]string{"Access-Control-Allow-Origin": ok, "Access-Control-Allow-Methods": "GET, POST",
				"Access-Control-Allow-Headers": "X-Trace-Id", "Access-Control-Max-Age": "600",
				"Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}, false},
		{"refused preflight", "OPTIONS", map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, 403,
			map[string]string{"Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}, false},
		{"preflight for another method", "OPTIONS", map[string]string{"Origin": ok, "Access-Control-Request-Method": "DELETE"}, 403,
			map[string]string{"Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}, false},
		{"OPTIONS without request method is no preflight", "OPTIONS", map[string]string{"Origin": ok}, 200,
			map[string]string{"Access-Control-Allow-Origin": ok, "Access-Control-Expose-Headers": CORSExposed, "Vary": "Origin"}, true},
		{"OPTIONS without origin is no preflight", "OPTIONS", map[string]string{"Access-Control-Request-Method": "POST"}, 200, nil, true},
	}
	names := []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
		"Access-Control-Max-Age", "Access-Control-Expose-Headers", "Access-Control-Allow-Credentials", "Vary"}
	for _, tc := range cases {
		reached := false
		h := CORS(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))
		r := httptest.NewRequest(tc.method, "/oauth2/token", nil)
		for k, v := range tc.header {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.status || reached != tc.reached {
			t.Errorf("%s: status %d, handler ran %v; want %d, %v", tc.name, w.Code, reached, tc.status, tc.reached)
		}
		for _, n := range names {
			if got := strings.Join(w.Header().Values(n), ", "); got != tc.want[n] {
				t.Errorf("%s: %s = %q, want %q", tc.name, n, got, tc.want[n])
			}
		}
	}
}

// TestCheckOrigin: only origins as browsers send them pass.
func TestCheckOrigin(t *testing.T) {
	cases := []struct {
		origin string
		want   string // "" for valid, else a part of the error
	}{
		{"https://app.example", ""},
		{"http://127.0.0.1:5173", ""},
		{"http://[::1]:3000", ""},
		{"capacitor://localhost", ""},
		{"*", "wildcards"},
		{"https://*.example", "wildcards"},
		{"null", "null"},
		{"", "want scheme"},
		{"app.example", "want scheme"},
		{"https://app.example/", "no path"},
		{"https://app.example/login", "no path"},
		{"https://app.example?x=1", "no path"},
		{"https://app.example#x", "no path"},
		{"https://user@app.example", "no path"},
		{"https://app.example:", "no path"},
		{"https://App.Example", "lower case"},
		{"https://app.example:443", "default port"},
		{"http://app.example:80", "default port"},
		{"https://app.example:99999", "bad port"},
	}
	for _, tc := range cases {
		err := CheckOrigin(tc.origin)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("CheckOrigin(%q) = %v, want %q", tc.origin, err, tc.want)
		}
	}
}
