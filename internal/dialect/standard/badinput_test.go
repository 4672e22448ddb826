package standard_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// errorPage checks that r is the HTML error page with status and no
// redirect anywhere.
func errorPage(t *testing.T, name string, r *apptest.Response, status int) {
	t.Helper()
	if r.Status != status || r.Header.Get("Location") != "" || !strings.Contains(string(r.Body), `role="alert"`) {
		t.Errorf("%s = %d Location %q %.300s; want the %d error page, no Location", name, r.Status, r.Header.Get("Location"), r.Body, status)
	}
	checkPageHeaders(t, name, r.Header)
}

// TestAuthorizeErrorPage: a request whose client or redirect URI cannot
// be trusted ends on the error page, never redirected (RFC 6749
// §4.1.2.1), whatever it carries; HTML in it stays text.
func TestAuthorizeErrorPage(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	c := newAppClient(t, env, false)
	b := newBrowser(t, env)
	evil := `<script>alert(1)</script>`
	for _, tc := range []struct{ name, client, cb string }{
		{"unknown client", "no-such-client" + evil, webCB},
		{"unregistered redirect URI", c.ID, "https://evil.example/cb"},
		{"redirect URI with an added query", c.ID, webCB + "&x=2"},
		{"redirect URI with a fragment", c.ID, webCB + "#frag"},
		{"redirect URI in another case", c.ID, "https://APP.example/cb?tab=1"},
		{"redirect URI path in another case", c.ID, "https://app.example/CB?tab=1"},
		{"loopback with another path", c.ID, "http://127.0.0.1:9999/other"},
	} {
		q := authParams(appClient{ID: tc.client}, tc.cb, "")
		q.Set("state", evil)
		r := b.get("/oauth2/authorize", q)
		errorPage(t, tc.name, r, 400)
		if strings.Contains(string(r.Body), "<script") {
			t.Errorf("%s: error page carries markup from the request: %s", tc.name, r.Body)
		}
	}
}

// TestAuthorizeBadInput: malformed requests the surface refuses itself.
func TestAuthorizeBadInput(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	b := newBrowser(t, env)
	long := url.Values{"client_id": {"x"}, "state": {strings.Repeat("a", 5000)}}
	errorPage(t, "oversized query", b.get("/oauth2/authorize", long), 414)
	dup := b.get("/oauth2/authorize", url.Values{"client_id": {"a", "b"}})
	errorPage(t, "client_id twice", dup, 400)
	errorPage(t, "POST authorize as JSON", b.post("/oauth2/authorize", "application/json", `{"client_id":"x"}`), 400)
	errorPage(t, "POST login as JSON", b.post("/oauth2/login", "application/json", `{"username":"x"}`), 400)
	errorPage(t, "POST login as multipart", b.post("/oauth2/login", "multipart/form-data; boundary=x", "--x--"), 400)
}

// TestLoginCSRF: the login form is refused without this browser's CSRF
// token: missing, forged, or taken from another browser.
func TestLoginCSRF(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	c := newAppClient(t, env, true)
	_, challenge := pkce()
	q := authParams(c, loopbackCB, challenge)
	mine, other := newBrowser(t, env), newBrowser(t, env)
	form := formFields(t, mine.get("/oauth2/authorize", q))
	formFields(t, other.get("/oauth2/authorize", q)) // other gets its own pre-login cookie
	form.Set("username", env.Creds.AdminLogin)
	form.Set("password", env.Creds.AdminPass)
	for _, tc := range []struct {
		name string
		b    *browser
		csrf string
	}{
		{"missing token", mine, ""},
		{"forged token", mine, strings.Repeat("A", 43)},
		{"another browser's token", other, form.Get("csrf")},
		{"no pre-login cookie", newBrowser(t, env), form.Get("csrf")},
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("csrf", tc.csrf)
		if tc.csrf == "" {
			f.Del("csrf")
		}
		r := tc.b.postForm("/oauth2/login", f)
		errorPage(t, tc.name, r, 403)
		if tc.b.cookie("renova_bs") != "" {
			t.Errorf("%s: signed in anyway", tc.name)
		}
	}
}

// TestLoginWrongPassword: the form again with one message, whatever was
// wrong, in the page's language, the username kept and escaped.
func TestLoginWrongPassword(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	c := newAppClient(t, env, true)
	_, challenge := pkce()
	for _, tc := range []struct{ ui, user, want string }{
		{"en", env.Creds.AdminLogin, "Invalid username or password."},
		{"pt-BR", "nobody<b>", "Usuário ou senha inválidos."},
	} {
		b := newBrowser(t, env)
		q := authParams(c, loopbackCB, challenge)
		q.Set("ui_locales", tc.ui)
		form := formFields(t, b.get("/oauth2/authorize", q))
		form.Set("username", tc.user)
		form.Set("password", "wrong")
		r := b.postForm("/oauth2/login", form)
		body := string(r.Body)
		if r.Status != 200 || !strings.Contains(body, tc.want) || !strings.Contains(body, `role="alert"`) || strings.Contains(body, "<b>") {
			t.Errorf("wrong password (%s, %q) = %d %s", tc.ui, tc.user, r.Status, body)
		}
		checkPageHeaders(t, "login form again", r.Header)
		formFields(t, r) // the form is there again
	}
}

// TestAuthorizeRedirectedErrors: once the redirect URI is trusted, errors
// go back to the client with state.
func TestAuthorizeRedirectedErrors(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	pub := newAppClient(t, env, true)
	b := newBrowser(t, env)
	_, challenge := pkce()
	otherPort := "http://127.0.0.1:5555/cb" // RFC 8252 §7.3: any loopback port
	none := authParams(pub, otherPort, challenge)
	none.Set("prompt", "none")
	if v := location(t, b.get("/oauth2/authorize", none), otherPort); v.Get("error") != "login_required" || v.Get("state") != "st-123" {
		t.Errorf("prompt=none without a session = %v, want login_required with state", v)
	}
	noPKCE := authParams(pub, loopbackCB, "")
	if v := location(t, b.get("/oauth2/authorize", noPKCE), loopbackCB); v.Get("error") != "invalid_request" {
		t.Errorf("public client without PKCE = %v, want invalid_request", v)
	}
	plain := authParams(pub, loopbackCB, challenge)
	plain.Set("code_challenge_method", "plain")
	if v := location(t, b.get("/oauth2/authorize", plain), loopbackCB); v.Get("error") != "invalid_request" {
		t.Errorf("plain PKCE = %v, want invalid_request", v)
	}
}

// TestCodeMisuse: a code is single use, bound to its verifier, redirect
// URI and client, and dies after 60 s; every misuse is invalid_grant.
func TestCodeMisuse(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	c := newAppClient(t, env, true)
	verifier, challenge := pkce()
	code := func() string {
		return newBrowser(t, env).signIn(authParams(c, loopbackCB, challenge), loopbackCB).Get("code")
	}
	first := code()
	if r, _ := exchange(t, env, c, first, loopbackCB, verifier); r.Status != 200 {
		t.Fatalf("first exchange = %d %s", r.Status, r.Body)
	}
	if r, v := exchange(t, env, c, first, loopbackCB, verifier); r.Status != 400 || v.Error != "invalid_grant" {
		t.Errorf("code replay = %d %s, want invalid_grant", r.Status, r.Body)
	}
	wrong, _ := pkce()
	if r, v := exchange(t, env, c, code(), loopbackCB, wrong); r.Status != 400 || v.Error != "invalid_grant" {
		t.Errorf("wrong verifier = %d %s, want invalid_grant", r.Status, r.Body)
	}
	if r, v := exchange(t, env, c, code(), webCB, verifier); r.Status != 400 || v.Error != "invalid_grant" {
		t.Errorf("another redirect URI = %d %s, want invalid_grant", r.Status, r.Body)
	}
	other := newAppClient(t, env, true)
	if r, v := exchange(t, env, other, code(), loopbackCB, verifier); r.Status != 400 || v.Error != "invalid_grant" {
		t.Errorf("code of another client = %d %s, want invalid_grant", r.Status, r.Body)
	}
	late := code()
	env.Clock.Advance(61 * time.Second) // codes live 60 s (RFC 6749 §4.1.2: short-lived)
	if r, v := exchange(t, env, c, late, loopbackCB, verifier); r.Status != 400 || v.Error != "invalid_grant" {
		t.Errorf("expired code = %d %s, want invalid_grant", r.Status, r.Body)
	}
}

// TestUserinfoErrors: RFC 6750 §3 challenges.
func TestUserinfoErrors(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	r := userinfo(t, env, "")
	if r.Status != 401 || r.Header.Get("WWW-Authenticate") != `Bearer realm="renova"` {
		t.Errorf("userinfo without a token = %d %q", r.Status, r.Header.Get("WWW-Authenticate"))
	}
	r = userinfo(t, env, "garbage")
	if r.Status != 401 || !strings.Contains(r.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("userinfo with garbage = %d %q %s", r.Status, r.Header.Get("WWW-Authenticate"), r.Body)
	}
	h := map[string][]string{"Authorization": {"Bearer x"}}
	r = env.Post(t, "/oauth2/userinfo", "application/x-www-form-urlencoded", "access_token=y", h)
	if r.Status != 400 || !strings.Contains(r.Header.Get("WWW-Authenticate"), `error="invalid_request"`) {
		t.Errorf("userinfo with two tokens = %d %q", r.Status, r.Header.Get("WWW-Authenticate"))
	}
}

// TestLoginThrottled: past the login throttle the form comes back with a
// retry hint and Retry-After, even for the right password.
func TestLoginThrottled(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	c := newAppClient(t, env, true)
	_, challenge := pkce()
	b := newBrowser(t, env)
	form := formFields(t, b.get("/oauth2/authorize", authParams(c, loopbackCB, challenge)))
	form.Set("username", env.Creds.AdminLogin)
	for range 10 {
		form.Set("password", "wrong")
		b.postForm("/oauth2/login", form)
	}
	form.Set("password", env.Creds.AdminPass)
	r := b.postForm("/oauth2/login", form)
	if r.Status != 429 || r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "try again in "+r.Header.Get("Retry-After")+" seconds") {
		t.Errorf("throttled login = %d Retry-After %q %.600s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	if b.cookie("renova_bs") != "" {
		t.Errorf("signed in while throttled")
	}
}

// TestUserinfoFormToken: on a POST the token may come as the access_token
// form parameter (RFC 6750 §2.2).
func TestUserinfoFormToken(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	at := login(t, env).AccessToken
	r := env.Post(t, "/oauth2/userinfo", "application/x-www-form-urlencoded", url.Values{"access_token": {at}}.Encode(), nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"sub"`) {
		t.Errorf("userinfo with a form token = %d %s", r.Status, r.Body)
	}
}

// TestLoginPageEscapesRequest: markup in login_hint and state reaches the
// real login page only as text, in the pre-filled username and the hidden
// fields alike, and comes back intact in the redirect.
func TestLoginPageEscapesRequest(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	c := newAppClient(t, env, true)
	_, challenge := pkce()
	evil := `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	q := authParams(c, loopbackCB, challenge)
	q.Set("state", evil)
	q.Set("login_hint", evil)
	b := newBrowser(t, env)
	r := b.get("/oauth2/authorize", q)
	for _, bad := range []string{"<script", "<img", `"><`} {
		if strings.Contains(string(r.Body), bad) {
			t.Errorf("login page holds %q unescaped: %s", bad, r.Body)
		}
	}
	form := formFields(t, r)
	if form.Get("state") != evil || form.Get("login_hint") != evil {
		t.Errorf("hidden fields = %v, want the request's values intact", form)
	}
	form.Set("username", env.Creds.AdminLogin)
	form.Set("password", env.Creds.AdminPass)
	if v := location(t, b.postForm("/oauth2/login", form), loopbackCB); v.Get("state") != evil {
		t.Errorf("state after login = %q, want %q", v.Get("state"), evil)
	}
}
