package standard_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/dialect/standard"
)

// TestBrowserCookieAttributes: the browser session cookie is HttpOnly,
// SameSite=Lax and site-wide, and Secure when served over TLS.
func TestBrowserCookieAttributes(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	mux := http.NewServeMux()
	for p, h := range standard.New(env.App.Svc, env.App.Ring, slog.New(slog.DiscardHandler), []byte("k")).Routes() {
		mux.Handle(p, h)
	}
	tls := httptest.NewTLSServer(mux)
	t.Cleanup(tls.Close)
	c := newAppClient(t, env, true)
	_, challenge := pkce()
	for _, tc := range []struct {
		name   string
		url    string
		client *http.Client
		secure bool
	}{{"plain HTTP", env.URL, env.HTTP, false}, {"TLS", tls.URL, tls.Client(), true}} {
		tlsEnv := *env
		tlsEnv.URL, tlsEnv.HTTP = tc.url, tc.client
		b := newBrowser(t, &tlsEnv)
		form := formFields(t, b.get("/oauth2/authorize", authParams(c, loopbackCB, challenge)))
		if sc := b.lastSetCookie; !strings.Contains(sc, "renova_csrf=") {
			t.Errorf("%s: pre-login cookie %q", tc.name, sc)
		}
		form.Set("username", env.Creds.AdminLogin)
		form.Set("password", env.Creds.AdminPass)
		r := b.postForm("/oauth2/login", form)
		sc := r.Header.Get("Set-Cookie")
		for _, want := range []string{"renova_bs=", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age="} {
			if !strings.Contains(sc, want) {
				t.Errorf("%s: Set-Cookie %q lacks %s", tc.name, sc, want)
			}
		}
		if strings.Contains(sc, "Secure") != tc.secure {
			t.Errorf("%s: Set-Cookie %q, want Secure %v", tc.name, sc, tc.secure)
		}
	}
}
