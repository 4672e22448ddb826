package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// The load generator's tests drive a small token service on a loopback
// httptest server instead of renova: bench talks HTTP and nothing else,
// so what it needs from a server is its wire behaviour, and a fake one
// can be told to misbehave. The real renova behind the same scenarios is
// tested in internal/server/benchtarget.

// fakeRenova speaks the standard surface's token, introspection and JWKS
// calls, keeps refresh-token chains with a grace window (presenting a
// used token whose successor is still unused answers that successor) and
// reuse detection, and answers bench's Inspector from its own state.
type fakeRenova struct {
	URL          string
	clientID     string
	clientSecret string
	users        []User // who may log in

	mu       sync.Mutex
	n        int
	tokens   map[string]*fakeToken // refresh tokens by value
	access   map[string]bool       // access tokens issued
	sessions []bool                // revoked, by session number
	reuses   int
	calls    map[string]int // requests by grant type, call, or "user <login>" for logins

	// Knobs that make it misbehave; set them before the first request.
	mintPerCall bool // every presentation mints its own successor (no grace)
	noClaim     bool // a rotation leaves the presented token unused (two live tokens)
	fail5xx     int  // answer this many refreshes 500 before rotating again
	inactive    bool // introspection says every token is inactive
	// hook, when set, is called with the grant type of every token
	// request before it is answered (tests move their clock with it).
	hook func(grant string)

	// The browser sign-in (authcode.go): its public client, redirect URI,
	// codes issued, and knobs.
	browserID string
	redirect  string
	codes     map[string]fakeCode
	browser   fakeBrowserKnobs
}

// fakeCode is one authorization code: who it was issued to and for what.
type fakeCode struct {
	client, redirect, challenge, user string
}

// fakeBrowserKnobs make the browser sign-in misbehave.
type fakeBrowserKnobs struct {
	page5xx   int  // answer this many login pages 503
	noForm    bool // the login page has no form
	badState  bool // the redirect carries another state
	noCode    bool // the redirect carries no code
	noIDToken bool // the code exchange answers no id_token
	noCookie  bool // the login page sets no CSRF cookie (the post then fails CSRF)
}

// fakeToken is one refresh token of a chain.
type fakeToken struct {
	session  int
	used     bool
	child    string // the last successor minted from it
	children int    // successors minted from it
}

// newFake starts a fake renova for client id with secret (empty for a
// public client) until t ends.
func newFake(t testing.TB, id, secret string) *fakeRenova {
	f := &fakeRenova{clientID: id, clientSecret: secret, tokens: map[string]*fakeToken{},
		users:  []User{{Login: "ana", Password: "pw-ana"}, {Login: "bia", Password: "pw-bia"}},
		access: map[string]bool{}, calls: map[string]int{},
		browserID: "bench-browser", redirect: "http://127.0.0.1/cb", codes: map[string]fakeCode{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", f.token)
	mux.HandleFunc("GET /oauth2/authorize", f.authorizePage)
	mux.HandleFunc("POST /oauth2/login", f.loginPost)
	mux.HandleFunc("POST /oauth2/introspect", f.introspect)
	mux.HandleFunc("GET /oauth2/jwks", func(w http.ResponseWriter, r *http.Request) {
		f.count("jwks")
		fakeJSON(w, http.StatusOK, map[string]any{"keys": []any{}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// creds are the credentials a bench run against f uses.
func (f *fakeRenova) creds() Creds {
	return Creds{ClientID: f.clientID, ClientSecret: f.clientSecret, Users: f.users,
		BrowserClientID: f.browserID, RedirectURI: f.redirect}
}

func (f *fakeRenova) count(call string) {
	f.mu.Lock()
	f.calls[call]++
	f.mu.Unlock()
}

// called returns how many requests of a kind f answered.
func (f *fakeRenova) called(call string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[call]
}

func fakeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fakeError answers an RFC 6749 error with renova's reason.
func fakeError(w http.ResponseWriter, status int, code, reason string) {
	fakeJSON(w, status, map[string]string{"error": code, "reason": reason})
}

// authenticated checks client_secret_basic, or client_id for a public client.
func (f *fakeRenova) authenticated(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	if f.clientSecret == "" {
		return !ok && r.PostForm.Get("client_id") == f.clientID
	}
	return ok && id == f.clientID && secret == f.clientSecret
}

func (f *fakeRenova) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err == nil && r.PostForm.Get("grant_type") == "authorization_code" {
		f.count("authorization_code")
		if f.hook != nil {
			f.hook("authorization_code")
		}
		f.exchangeCode(w, r)
		return
	}
	if !f.authenticated(r) {
		fakeError(w, http.StatusUnauthorized, "invalid_client", "")
		return
	}
	grant := r.PostForm.Get("grant_type")
	f.count(grant)
	if grant == "password" {
		f.count("user " + r.PostForm.Get("username"))
	}
	if f.hook != nil {
		f.hook(grant)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch grant {
	case "password":
		if !slices.Contains(f.users, User{r.PostForm.Get("username"), r.PostForm.Get("password")}) {
			fakeError(w, http.StatusBadRequest, "invalid_grant", "invalid_credentials")
			return
		}
		f.sessions = append(f.sessions, false)
		f.grant(w, f.mint(len(f.sessions)-1))
	case "refresh_token":
		f.rotate(w, r.PostForm.Get("refresh_token"))
	case "client_credentials":
		f.n++
		at := fmt.Sprintf("at-%d", f.n)
		f.access[at] = true
		fakeJSON(w, http.StatusOK, map[string]string{"access_token": at, "token_type": "Bearer"})
	default:
		fakeError(w, http.StatusBadRequest, "unsupported_grant_type", "")
	}
}

// mint stores a new refresh token of session s; f.mu is held.
func (f *fakeRenova) mint(s int) string {
	f.n++
	rt := fmt.Sprintf("rt-%d", f.n)
	f.tokens[rt] = &fakeToken{session: s}
	return rt
}

// grant answers a refresh token and a fresh access token; f.mu is held.
func (f *fakeRenova) grant(w http.ResponseWriter, rt string) {
	at := "at-" + rt
	f.access[at] = true
	fakeJSON(w, http.StatusOK, map[string]string{"access_token": at, "refresh_token": rt, "token_type": "Bearer"})
}

// rotate answers one presentation of rt; f.mu is held.
func (f *fakeRenova) rotate(w http.ResponseWriter, rt string) {
	tok, ok := f.tokens[rt]
	switch {
	case !ok:
		fakeError(w, http.StatusBadRequest, "invalid_grant", "unknown_token")
	case f.sessions[tok.session]:
		fakeError(w, http.StatusBadRequest, "invalid_grant", "session_revoked")
	case f.fail5xx > 0:
		f.fail5xx--
		fakeError(w, http.StatusInternalServerError, "server_error", "")
	case !tok.used || f.mintPerCall:
		tok.used, tok.child = !f.noClaim, f.mint(tok.session)
		tok.children++
		f.grant(w, tok.child)
	case !f.tokens[tok.child].used: // the grace window: the same successor again
		f.grant(w, tok.child)
	default:
		f.sessions[tok.session] = true
		f.reuses++
		fakeError(w, http.StatusBadRequest, "invalid_grant", "reused")
	}
}

func (f *fakeRenova) introspect(w http.ResponseWriter, r *http.Request) {
	f.count("introspect")
	if err := r.ParseForm(); err != nil || !f.authenticated(r) {
		fakeError(w, http.StatusUnauthorized, "invalid_client", "")
		return
	}
	tok := r.PostForm.Get("token")
	f.mu.Lock()
	defer f.mu.Unlock()
	rt, isRefresh := f.tokens[tok]
	active := f.access[tok] || (isRefresh && !rt.used && !f.sessions[rt.session])
	fakeJSON(w, http.StatusOK, map[string]bool{"active": active && !f.inactive})
}

var _ Inspector = (*fakeRenova)(nil)

// Tally counts f's sessions by their unused tokens (f has one client).
func (f *fakeRenova) Tally(_ context.Context, _ string) (Tally, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	unused := make([]int, len(f.sessions))
	for _, t := range f.tokens {
		if !t.used {
			unused[t.session]++
		}
	}
	t := Tally{Sessions: len(f.sessions)}
	for s, n := range unused {
		switch {
		case f.sessions[s]:
			t.Revoked++
		case n == 1:
			t.OneLive++
		default:
			t.Anomalies++
		}
	}
	return t, nil
}

// Live reports whether rt is an unused token of a live session.
func (f *fakeRenova) Live(_ context.Context, rt string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tokens[rt]
	return ok && !t.used && !f.sessions[t.session], nil
}

// Successors counts the tokens minted from parent; the last one is the
// one f names as its child.
func (f *fakeRenova) Successors(_ context.Context, parent, answered string) (int, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.tokens[parent]
	if !ok {
		return 0, false, fmt.Errorf("unknown token %s", parent)
	}
	return p.children, p.child == answered, nil
}

// ReuseEvents counts the reuses f detected.
func (f *fakeRenova) ReuseEvents(context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reuses, nil
}

// fakeLauncher starts nothing: it hands out fake renovas and counts the
// Close calls, so a test can see the run cleans up once.
type fakeLauncher struct {
	renova, floor *fakeRenova
	err           error // returned by both starts when set
	store         bool  // give renova's Server its Inspector
	closed        map[string]int
}

func (l *fakeLauncher) Renova(_ context.Context, s *Surface) (*Server, error) {
	if l.err != nil {
		return nil, l.err
	}
	srv := &Server{URL: l.renova.URL + "/", Backend: "fake", Creds: l.renova.creds(), Close: func() { l.closed["renova"]++ }}
	if l.store {
		srv.Store = l.renova
	}
	return srv, nil
}

func (l *fakeLauncher) Floor(context.Context) (*FloorServer, error) {
	if l.err != nil {
		return nil, l.err
	}
	return &FloorServer{URL: l.floor.URL, Store: l.floor, Close: func() { l.closed["floor"]++ }}, nil
}

// newLauncher returns a launcher of fake renovas: the floor takes the
// bench's floor credentials, renova its own.
func newLauncher(t testing.TB) *fakeLauncher {
	floor := newFake(t, "floor", "floor")
	floor.users = floorCreds.Users
	return &fakeLauncher{renova: newFake(t, "bench-client", "s3cret"), floor: floor, store: true, closed: map[string]int{}}
}

// testRun is a run of scenario against f, with the bounds of cfg's
// defaults shrunk to a unit test's size: at most 40 requests a phase,
// and a minute as the backstop.
func testRun(f *fakeRenova, scenario string, store bool) *run {
	cfg := Config{Scenario: scenario, Requests: 40, Duration: time.Minute, Connections: 4, Sessions: 6,
		Contenders: 5, Trials: 3}.withDefaults()
	t := &Target{URL: f.URL, Creds: f.creds(), HTTP: newHTTP(cfg.Connections), Backend: "fake"}
	if store {
		t.store = f
	}
	return &run{cfg: cfg, t: t, s: standardSurface, rep: newReport(cfg), now: time.Now}
}

// verdicts maps invariant names to their checks.
func verdicts(rep *Report) map[string]Check {
	m := map[string]Check{}
	for _, c := range rep.Invariants {
		m[c.Name] = c
	}
	return m
}
