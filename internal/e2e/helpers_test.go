package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/apptest/browser"
	"github.com/renova-auth/renova/internal/store"
)

// rp is the relying party's side of the test: a loopback server that
// receives the browser at the redirect URI and the post-logout URI, as a
// real web or native application would.
type rp struct {
	srv       *httptest.Server
	callbacks chan url.Values
	logouts   chan url.Values
}

func newRP(t *testing.T) *rp {
	r := &rp{callbacks: make(chan url.Values, 8), logouts: make(chan url.Values, 8)}
	mux := http.NewServeMux()
	page := func(ch chan url.Values, title string) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			ch <- req.URL.Query()
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, "<!doctype html><html><body><h1>%s</h1></body></html>", title)
		}
	}
	mux.HandleFunc("GET /callback", page(r.callbacks, "callback"))
	mux.HandleFunc("GET /signed-out", page(r.logouts, "signed out"))
	r.srv = httptest.NewServer(mux)
	t.Cleanup(r.srv.Close)
	return r
}

func (r *rp) callbackURI() string { return r.srv.URL + "/callback" }
func (r *rp) logoutURI() string   { return r.srv.URL + "/signed-out" }

// next waits for the browser's next visit to ch.
func next(t *testing.T, ch chan url.Values, what string) url.Values {
	t.Helper()
	select {
	case q := <-ch:
		return q
	case <-time.After(20 * time.Second):
		t.Fatalf("the browser never reached the %s", what)
		return nil
	}
}

// startRenova starts a renova whose issuer is its loopback address and
// whose clock is the real time, since the browser keeps cookies by the
// real time.
func startRenova(t *testing.T) *apptest.Env {
	clock := apptest.NewClock()
	if d := time.Since(clock.Now()); d > 0 {
		clock.Advance(d)
	}
	return apptest.Start(t, apptest.Options{LoopbackIssuer: true, Clock: clock})
}

// registerClient adds a browser client to the demo tenant.
func registerClient(t *testing.T, env *apptest.Env, c *store.Client) (secret string) {
	t.Helper()
	ctx := context.Background()
	ten, err := env.App.Store.TenantBySlug(ctx, env.Creds.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	c.TenantID = ten.ID
	secret, err = env.App.Svc.NewClient(ctx, c)
	if err != nil {
		t.Fatalf("register client %s: %v", c.ID, err)
	}
	return secret
}

// screenshots saves the login page in English and Brazilian Portuguese
// (ui_locales) as PNGs: in the test's temporary folder, or in
// RENOVA_E2E_SCREENSHOTS when set (docs/e2e.md: with $PWD/docs/img it
// refreshes the docs' pictures).
func screenshots(t *testing.T, b *browser.Browser, env *apptest.Env, authURL func(state, nonce, pkce string, extra ...oauth2.AuthCodeOption) string) {
	t.Helper()
	dir := os.Getenv("RENOVA_E2E_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	back := b.URL()
	for _, lang := range []string{"en", "pt-BR"} {
		b.Navigate(authURL("shot", "shot", oauth2.GenerateVerifier(), oauth2.SetAuthURLParam("ui_locales", lang),
			oauth2.SetAuthURLParam("login_hint", env.Creds.AdminLogin)))
		if !b.Has(fmt.Sprintf("/html[@lang='%s' or starts-with(@lang, '%s-')]", lang, lang)) {
			t.Errorf("login page for ui_locales=%s has no matching lang attribute:\n%s", lang, b.HTML())
		}
		b.Screenshot(filepath.Join(dir, "login-"+lang+".png"))
	}
	b.Navigate(back)
}
