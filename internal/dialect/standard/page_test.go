package standard_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/dialect/standard"
)

// TestLocale: ui_locales wins over Accept-Language, q-values rank
// Accept-Language, English is the default.
func TestLocale(t *testing.T) {
	for _, tc := range []struct{ ui, accept, want string }{
		{"", "", "en"},
		{"pt-BR", "", "pt-BR"},
		{"fr pt", "en", "pt-BR"},
		{"", "pt-BR,pt;q=0.9,en;q=0.8", "pt-BR"},
		{"", "en;q=0.5, pt-PT;q=0.7", "pt-BR"},
		{"", "fr, de", "en"},
		{"en-US", "pt-BR", "en"},
		{"", "pt;q=bogus, en;q=0.1", "en"},
	} {
		if got := standard.Locale(tc.ui, tc.accept); got != tc.want {
			t.Errorf("Locale(%q, %q) = %q, want %q", tc.ui, tc.accept, got, tc.want)
		}
	}
}

// renderLogin renders the login page for the hint, state and languages.
func renderLogin(t *testing.T, hint, state, ui, accept, msg string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/oauth2/authorize", nil)
	r.Header.Set("Accept-Language", accept)
	q := url.Values{"client_id": {"spa"}, "state": {state}, "login_hint": {hint}, "redirect_uri": {"http://127.0.0.1/cb"}}
	if err := standard.LoginPage(w, r, "Demo <Co>", "Shop & Co", hint, ui, msg, q); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestLoginPageLanguages: both languages render with their lang attribute,
// labels and message, and the security headers.
func TestLoginPageLanguages(t *testing.T) {
	for _, tc := range []struct{ ui, accept, lang, label, bad string }{
		{"", "", "en", "Username", "Invalid username or password."},
		{"pt-BR", "", "pt-BR", "Usuário", "Usuário ou senha inválidos."},
		{"", "pt-BR,pt;q=0.9", "pt-BR", "Senha", "Usuário ou senha inválidos."},
	} {
		w := renderLogin(t, "", "s", tc.ui, tc.accept, tc.bad)
		body := w.Body.String()
		for _, want := range []string{`<html lang="` + tc.lang + `">`, tc.label, `role="alert"`, tc.bad,
			`<label for="username">`, `<label for="password">`, `Demo &lt;Co&gt;`, `Shop &amp; Co`} {
			if !strings.Contains(body, want) {
				t.Errorf("login page (ui_locales %q, Accept-Language %q) lacks %q:\n%s", tc.ui, tc.accept, want, body)
			}
		}
		checkPageHeaders(t, "login page", w.Result().Header)
	}
}

// checkPageHeaders checks the headers every hosted page carries.
func checkPageHeaders(t *testing.T, name string, h http.Header) {
	t.Helper()
	want := map[string]string{"Content-Security-Policy": standard.CSP, "X-Frame-Options": "DENY",
		"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "Content-Type": "text/html; charset=utf-8"}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", name, k, got, v)
		}
	}
	for _, d := range []string{"default-src 'none'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "style-src 'sha256-"} {
		if !strings.Contains(h.Get("Content-Security-Policy"), d) {
			t.Errorf("%s: CSP lacks %q", name, d)
		}
	}
}

// TestLoginPageEscapes: HTML and script in login_hint and state come out
// as text, never as markup; the page has no script at all.
func TestLoginPageEscapes(t *testing.T) {
	evil := `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	body := renderLogin(t, evil, evil, "", "", "").Body.String()
	for _, bad := range []string{"<script", "<img", `"><`} {
		if strings.Contains(strings.ToLower(body), bad) {
			t.Errorf("login page contains %q unescaped:\n%s", bad, body)
		}
	}
	if !strings.Contains(body, `value="&#34;&gt;&lt;script&gt;`) {
		t.Errorf("login_hint not pre-filled escaped:\n%s", body)
	}
}

// TestLoginPageFocus: autofocus goes to the first empty field, and the
// fields come in reading order (username, password, submit).
func TestLoginPageFocus(t *testing.T) {
	auto := regexp.MustCompile(`id="(\w+)"[^>]*autofocus`)
	for _, tc := range []struct{ hint, focus string }{{"", "username"}, {"maria", "password"}} {
		body := renderLogin(t, tc.hint, "s", "", "", "").Body.String()
		if m := auto.FindAllStringSubmatch(body, -1); len(m) != 1 || m[0][1] != tc.focus {
			t.Errorf("login page with hint %q: autofocus on %v, want only %s", tc.hint, m, tc.focus)
		}
		u, p, b := strings.Index(body, `id="username"`), strings.Index(body, `id="password"`), strings.Index(body, `type="submit"`)
		if !(u < p && p < b) {
			t.Errorf("field order username %d, password %d, submit %d", u, p, b)
		}
	}
}

// TestStyleHash: the CSP's style hash is the one of the page's inline
// style sheet, so browsers apply it and nothing else.
func TestStyleHash(t *testing.T) {
	body := renderLogin(t, "", "s", "", "", "").Body.String()
	m := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no <style> in the page")
	}
	h := sha256.Sum256([]byte(m[1]))
	want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	if !strings.Contains(standard.CSP, want) {
		t.Errorf("CSP %q lacks %q", standard.CSP, want)
	}
	if strings.Contains(body, "<script") {
		t.Errorf("the page has a script")
	}
}
