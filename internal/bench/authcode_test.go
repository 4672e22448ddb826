package bench

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakePage is a login page shaped like renova's (html/template escapes
// the hidden values the way the real page does).
var fakePage = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><body><main><h1>Sign in</h1>
{{- if .Form}}
<form method="post" action="{{.Action}}" autocomplete="on">
{{- range $k, $v := .Hidden}}
<input type="hidden" name="{{$k}}" value="{{$v}}">
{{- end}}
<input type="hidden" name="csrf" value="{{.CSRF}}">
<label for="username">User</label>
<input id="username" name="username" type="text" required>
<input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>
{{- end}}
</main></body></html>`))

// fakeCSRF is the CSRF token of a browser whose pre-login cookie is v.
func fakeCSRF(v string) string { return "csrf-" + v }

// authorizePage serves GET /oauth2/authorize: the login page, with a
// pre-login cookie the form's CSRF token is bound to.
func (f *fakeRenova) authorizePage(w http.ResponseWriter, r *http.Request) {
	f.count("authorize")
	q := r.URL.Query()
	f.mu.Lock()
	k := f.browser
	if f.browser.page5xx > 0 {
		f.browser.page5xx--
	}
	f.n++
	cookie := fmt.Sprintf("b%d", f.n)
	f.mu.Unlock()
	if k.page5xx > 0 {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	if q.Get("client_id") != f.browserID || q.Get("redirect_uri") != f.redirect || q.Get("code_challenge_method") != "S256" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	if !k.noCookie {
		http.SetCookie(w, &http.Cookie{Name: "renova_csrf", Value: cookie, Path: "/", HttpOnly: true})
	}
	hidden := map[string]string{}
	for _, n := range []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method"} {
		hidden[n] = q.Get(n)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = fakePage.Execute(w, map[string]any{"Form": !k.noForm, "Action": "/oauth2/login", "Hidden": hidden, "CSRF": fakeCSRF(cookie)})
}

// loginPost serves POST /oauth2/login: the CSRF check, the password,
// then a 303 to the redirect URI with a code and the state.
func (f *fakeRenova) loginPost(w http.ResponseWriter, r *http.Request) {
	f.count("login")
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		http.Error(w, "form expected", http.StatusUnsupportedMediaType)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	c, err := r.Cookie("renova_csrf")
	if err != nil || r.PostForm.Get("csrf") != fakeCSRF(c.Value) {
		http.Error(w, "csrf", http.StatusBadRequest)
		return
	}
	p := r.PostForm
	if !slices.Contains(f.users, User{p.Get("username"), p.Get("password")}) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = fakePage.Execute(w, map[string]any{"Form": true, "Action": "/oauth2/login", "CSRF": p.Get("csrf")})
		return
	}
	f.mu.Lock()
	k := f.browser
	f.n++
	code := fmt.Sprintf("code-%d", f.n)
	f.codes[code] = fakeCode{client: p.Get("client_id"), redirect: p.Get("redirect_uri"), challenge: p.Get("code_challenge"), user: p.Get("username")}
	f.mu.Unlock()
	back := url.Values{"state": {p.Get("state")}, "code": {code}}
	if k.badState {
		back.Set("state", "another")
	}
	if k.noCode {
		back.Del("code")
	}
	http.Redirect(w, r, p.Get("redirect_uri")+"?"+back.Encode(), http.StatusSeeOther)
}

// exchangeCode answers grant_type=authorization_code: a single-use code
// of this public client, redirect URI and PKCE verifier.
func (f *fakeRenova) exchangeCode(w http.ResponseWriter, r *http.Request) {
	p := r.PostForm
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.codes[p.Get("code")]
	delete(f.codes, p.Get("code"))
	sum := sha256.Sum256([]byte(p.Get("code_verifier")))
	switch {
	case !ok:
		fakeError(w, http.StatusBadRequest, "invalid_grant", "unknown_code")
	case c.client != p.Get("client_id") || c.redirect != p.Get("redirect_uri"):
		fakeError(w, http.StatusBadRequest, "invalid_grant", "wrong_client")
	case c.challenge != base64.RawURLEncoding.EncodeToString(sum[:]):
		fakeError(w, http.StatusBadRequest, "invalid_grant", "pkce")
	default:
		f.n++
		body := map[string]string{"access_token": fmt.Sprintf("at-b%d", f.n), "token_type": "Bearer", "id_token": "eyJ.id." + c.user}
		if f.browser.noIDToken {
			delete(body, "id_token")
		}
		fakeJSON(w, http.StatusOK, body)
	}
}

// TestBrowserFlow: one flow gets the page, posts its hidden fields with
// the CSRF cookie, and exchanges the code with the verifier; each step's
// latency is recorded.
func TestBrowserFlow(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "authcode", false)
	rec := []*recorder{newRecorder(), newRecorder(), newRecorder()}
	flow, o := r.t.browserFlow(context.Background(), f.users[1], time.Now, rec)
	if !o.ok() || flow.IDToken != "eyJ.id.bia" || flow.Access == "" {
		t.Fatalf("browserFlow = %+v, %+v; want bia's ID token", flow, o)
	}
	for i, s := range rec {
		if s.hist.Count() != 1 {
			t.Errorf("step %s recorded %d latencies, want 1", authcodeSteps[i], s.hist.Count())
		}
	}
	if f.called("authorize") != 1 || f.called("login") != 1 || f.called("authorization_code") != 1 {
		t.Errorf("server saw %v, want one page, one post, one exchange", f.calls)
	}
}

// TestBrowserFlowFailures: each way a flow can go wrong is one counted
// failure, by status and "step: reason".
func TestBrowserFlowFailures(t *testing.T) {
	cases := []struct {
		name  string
		knobs fakeBrowserKnobs
		user  User
		want  Outcome
	}{
		{"page 5xx", fakeBrowserKnobs{page5xx: 1}, User{}, Outcome{503, "authorize"}},
		{"no form", fakeBrowserKnobs{noForm: true}, User{}, Outcome{200, "authorize: no login form"}},
		{"no csrf cookie", fakeBrowserKnobs{noCookie: true}, User{}, Outcome{400, "login"}},
		{"wrong password", fakeBrowserKnobs{}, User{"ana", "guess"}, Outcome{200, "login: form shown again"}},
		{"state mismatch", fakeBrowserKnobs{badState: true}, User{}, Outcome{303, "login: state mismatch"}},
		{"missing code", fakeBrowserKnobs{noCode: true}, User{}, Outcome{303, "login: no code"}},
		{"no id_token", fakeBrowserKnobs{noIDToken: true}, User{}, Outcome{200, "token: no id_token"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, "bench-client", "s3cret")
			f.browser = tc.knobs
			u := cmpUser(tc.user, f.users[0])
			r := testRun(f, "authcode", false)
			if _, o := r.t.browserFlow(context.Background(), u, time.Now, nil); o != tc.want {
				t.Errorf("browserFlow = %+v, want %+v", o, tc.want)
			}
		})
	}
	r := testRun(&fakeRenova{URL: closedURL(t), browserID: "b", redirect: "http://127.0.0.1/cb"}, "authcode", false)
	if _, o := r.t.browserFlow(context.Background(), User{"a", "b"}, time.Now, nil); o != (Outcome{Reason: "authorize: connection refused"}) {
		t.Errorf("browserFlow(nobody listening) = %+v, want authorize: connection refused", o)
	}
}

func cmpUser(u, def User) User {
	if u == (User{}) {
		return def
	}
	return u
}

// TestParseLoginForm reads renova's markup: the action resolved against
// the page, the hidden fields unescaped, and a form without a csrf field
// refused.
func TestParseLoginForm(t *testing.T) {
	page := `<form method="post" action="/oauth2/login" autocomplete="on">
<input type="hidden" name="state" value="a&amp;b&#34;&lt;c">
<input type="hidden" name="scope" value="openid profile">
<input type="hidden" name="csrf" value="tok">
<input id="username" name="username" type="text" required value="ana">
</form>`
	action, fields, err := parseLoginForm("http://127.0.0.1:8080/oauth2/authorize?x=1", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	if action != "http://127.0.0.1:8080/oauth2/login" {
		t.Errorf("action = %q, want the login path on the page's host", action)
	}
	want := url.Values{"state": {`a&b"<c`}, "scope": {"openid profile"}, "csrf": {"tok"}}
	if fields.Encode() != want.Encode() {
		t.Errorf("fields = %v, want %v (the visible username is not a hidden field)", fields, want)
	}
	if _, _, err := parseLoginForm("http://h/", []byte(strings.ReplaceAll(page, `name="csrf"`, `name="other"`))); err == nil || err.Error() != "no csrf field" {
		t.Errorf("a form without csrf: %v, want no csrf field", err)
	}
	if _, _, err := parseLoginForm("http://h/", []byte("<p>error</p>")); err == nil || err.Error() != "no login form" {
		t.Errorf("a page without a form: %v, want no login form", err)
	}
}

// TestAuthcodeScenario: the scenario spends its budget on whole flows,
// records each step, and its two invariants hold.
func TestAuthcodeScenario(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "authcode", false)
	if err := r.scenario(context.Background()); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range r.rep.Phases {
		names = append(names, fmt.Sprintf("%s:%d:%d", p.Name, p.Requests, errorsOf(p)))
	}
	if got := strings.Join(names, " "); got != "renova:40:0 login page:40:0 login post:40:0 code exchange:40:0" {
		t.Errorf("phases = %s, want 40 flows and 40 of each step, no errors", got)
	}
	if f.called("authorize") != 40 || f.called("login") != 40 || f.called("authorization_code") != 40 {
		t.Errorf("server saw %v, want 40 of each step", f.calls)
	}
	if f.called("user ana") != 0 || f.called("password") != 0 {
		t.Errorf("server saw password grants %v, want none", f.calls)
	}
	wantHeld(t, r.rep, 2)
}

// TestAuthcode5xx: login pages answered 503 are counted as flows ended
// on a 5xx, fail both invariants, and the other flows complete.
func TestAuthcode5xx(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	f.browser.page5xx = 3
	r := testRun(f, "authcode", false)
	if err := r.scenario(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := r.rep.Phases[0]
	if p.Requests != 40 || p.FiveXX != 3 || len(p.Errors) != 1 || p.Errors[0] != (ErrorCount{503, "authorize", 3}) {
		t.Errorf("flows = %d, 5xx %d, errors %v; want 40 flows, 3 × 503 authorize", p.Requests, p.FiveXX, p.Errors)
	}
	if r.rep.phase(stepExchange).Requests != 37 {
		t.Errorf("code exchanges = %d, want 37", r.rep.phase(stepExchange).Requests)
	}
	v := verdicts(r.rep)
	if c := v["zero 5xx"]; c.OK || c.Detail != "3 flows ended on a 5xx status" {
		t.Errorf("zero 5xx = %+v, want a failure counting 3", c)
	}
	if c := v["every flow got an id_token"]; c.OK || c.Detail != "37 of 40 flows ended with an ID token (authorize, login form, code exchange)" {
		t.Errorf("id_token check = %+v, want 37 of 40", c)
	}
}

// TestAuthcodeNeedsBrowserClient: without a browser client the scenario
// is refused before any load.
func TestAuthcodeNeedsBrowserClient(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "authcode", false)
	r.t.Creds.BrowserClientID = ""
	if err := r.scenario(context.Background()); err == nil || !strings.Contains(err.Error(), "no public browser client") {
		t.Errorf("authcode without a browser client = %v, want refused", err)
	}
}

// TestRemoteBrowserCreds: in --url mode the authcode scenario's client is
// --client-id and the redirect URI defaults to demo-spa's.
func TestRemoteBrowserCreds(t *testing.T) {
	cfg := Config{Scenario: "authcode", URL: "http://h", ClientID: "demo-spa", Users: []User{{"a", "b"}}}.withDefaults()
	tg, err := remote(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	if tg.Creds.BrowserClientID != "demo-spa" || tg.Creds.RedirectURI != "http://127.0.0.1/callback" {
		t.Errorf("creds = %+v, want demo-spa and http://127.0.0.1/callback", tg.Creds)
	}
	cfg = Config{Scenario: "refresh", URL: "http://h", ClientID: "c", ClientSecret: "s", BrowserClientID: "spa",
		RedirectURI: "http://127.0.0.1/cb", Users: []User{{"a", "b"}}}.withDefaults()
	if tg, _ = remote(&cfg); tg.Creds.BrowserClientID != "spa" || tg.Creds.RedirectURI != "http://127.0.0.1/cb" {
		t.Errorf("creds = %+v, want spa and http://127.0.0.1/cb", tg.Creds)
	}
}

// TestBrowserLoad: --browser-load runs the refresh workers again beside
// browser sign-ins, bounded by the refresh phase, and records both; the
// refresh invariants still hold, and the ratio to renova alone is there.
func TestBrowserLoad(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	beside := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	refreshes := 0
	f.hook = func(grant string) {
		switch grant {
		case "authorization_code":
			once.Do(func() { close(beside) })
		case "refresh_token":
			mu.Lock()
			refreshes++
			n := refreshes
			mu.Unlock()
			if n > 40 { // the second phase waits for a browser sign-in beside it
				select {
				case <-beside:
				case <-time.After(10 * time.Second):
				}
			}
		}
	}
	r := testRun(f, "refresh", true)
	r.cfg.BrowserLoad = 2
	if err := r.refresh(context.Background(), "renova"); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range r.rep.Phases {
		names = append(names, fmt.Sprintf("%s:%v:%d", p.Name, p.Requests > 0, errorsOf(p)))
	}
	if got := fmt.Sprint(names); got != "[renova:true:0 renova + 2 browser logins:true:0 browser logins (beside):true:0]" {
		t.Errorf("phases = %s, want renova, renova + 2 browser logins and the sign-ins, each with requests, no errors", got)
	}
	if p := r.rep.Phases[1]; p.Requests != 40 {
		t.Errorf("refresh beside browser logins = %d requests, want the budget of 40", p.Requests)
	}
	if f.called("password") != 6 {
		t.Errorf("password logins = %d, want only the 6 sessions' (browser sign-ins post the form)", f.called("password"))
	}
	wantHeld(t, r.rep, 3)
	r.rep.finish(false)
	if len(r.rep.Ratios) != 1 || r.rep.Ratios[0].Name != "renova + 2 browser logins / renova alone" {
		t.Errorf("ratios = %+v, want refresh beside browser logins over refresh alone", r.rep.Ratios)
	}
}

// TestBrowserLoadNeedsBrowserClient: --browser-load against a target
// without a browser client is refused before any session is opened.
func TestBrowserLoadNeedsBrowserClient(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "refresh", true)
	r.cfg.BrowserLoad, r.t.Creds.BrowserClientID = 2, ""
	if err := r.refresh(context.Background(), "renova"); err == nil || f.called("password") != 0 {
		t.Errorf("refresh --browser-load without a browser client = %v after %d logins, want refused before any", err, f.called("password"))
	}
}
