package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/store"
)

// surfaceLogin is one surface's password login and the vendor shape of
// its throttled answer: the status, and one member of the body.
type surfaceLogin struct {
	name   string
	status int
	member string
	value  any
	login  func(t *testing.T, env *apptest.Env, user, pass string, h http.Header) *apptest.Response
}

// jsonLogin posts a JSON login body to path.
func jsonLogin(path, body string) func(*testing.T, *apptest.Env, string, string, http.Header) *apptest.Response {
	return func(t *testing.T, env *apptest.Env, user, pass string, h http.Header) *apptest.Response {
		t.Helper()
		hh := http.Header{"Accept": {"application/json"}}
		for k, v := range h {
			hh[k] = v
		}
		b := strings.NewReplacer("USER", user, "PASS", pass).Replace(body)
		return env.Post(t, path, "application/json", b, hh)
	}
}

// standardLogin is the password grant at /oauth2/token.
func standardLogin(t *testing.T, env *apptest.Env, user, pass string, h http.Header) *apptest.Response {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {user}, "password": {pass}}
	req, _ := http.NewRequest("POST", env.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, vs := range h {
		req.Header[k] = vs
	}
	req.SetBasicAuth(env.Creds.ClientID, env.Creds.ClientSecret)
	return env.Do(t, req)
}

// passwordSurfaces are the surfaces with a password login (HDI has none:
// its partner names users, and its limit is on creations).
var passwordSurfaces = []surfaceLogin{
	{"standard", 503, "reason", "throttled", standardLogin},
	{"icredit", 503, "statusCode", 503.0, jsonLogin("/icredit/api/v1/auth/login", `{"username":"USER","password":"PASS"}`)},
	{"consinco", 503, "error", "temporarily_unavailable", jsonLogin("/consinco/api/v1/auth/login", `{"company":"1","username":"USER","password":"PASS"}`)},
	{"formulacerta", 503, "ErrorCode", 9.0, jsonLogin("/formulacerta/api/v2/account/login", `{"UserName":"USER","Password":"PASS"}`)},
}

// jsonMember decodes r's JSON body and returns one member.
func jsonMember(t *testing.T, r *apptest.Response, name string) any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.Body, err)
	}
	return v[name]
}

// throttleBackends runs fn on SQLite (memory throttle) and PostgreSQL
// (shared throttle); fresh gives a new database URL for each start (""
// is a new SQLite file).
func throttleBackends(t *testing.T, fn func(t *testing.T, fresh func(*testing.T) string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, func(*testing.T) string { return "" }) })
	t.Run("postgres", func(t *testing.T) { fn(t, func(t *testing.T) string { return apptest.PostgresURL(t) }) })
}

func loginLimits(account, ip, slowAfter int) func(*config.Config) {
	return func(c *config.Config) {
		c.LoginAccountLimit, c.LoginIPLimit, c.LoginSlowdownAfter = account, ip, slowAfter
		c.TrustedProxies = "127.0.0.0/8"
	}
}

// forwardedFor is the header by which the trusted loopback proxy names a client.
func forwardedFor(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }

// TestThrottledRetryAfterEverySurface: a throttled login answers in each
// surface's own shape with Retry-After the real time left in the window,
// counted on the fake clock to the second, and logs in once it ends
// (issue 14). Both backends.
func TestThrottledRetryAfterEverySurface(t *testing.T) {
	throttleBackends(t, func(t *testing.T, fresh func(*testing.T) string) {
		for _, s := range passwordSurfaces {
			t.Run(s.name, func(t *testing.T) {
				env := apptest.Start(t, apptest.Options{DatabaseURL: fresh(t), Configure: loginLimits(3, 200, 100)})
				c := env.Creds
				for range 3 {
					if r := s.login(t, env, c.AdminLogin, "wrong", nil); r.Status == 200 || r.Status == 503 {
						t.Fatalf("failed login = %d %s", r.Status, r.Body)
					}
				}
				env.Clock.Advance(100 * time.Second)
				checkThrottled(t, s, s.login(t, env, c.AdminLogin, c.AdminPass, nil), "800")
				env.Clock.Advance(800*time.Second - 1500*time.Millisecond)
				checkThrottled(t, s, s.login(t, env, c.AdminLogin, c.AdminPass, nil), "2") // 1.5 s, rounded up
				env.Clock.Advance(1500 * time.Millisecond)
				if r := s.login(t, env, c.AdminLogin, c.AdminPass, nil); r.Status != 200 {
					t.Errorf("%s login once the window ended = %d %s, want 200", s.name, r.Status, r.Body)
				}
			})
		}
	})
}

// checkThrottled checks a throttled answer of surface s.
func checkThrottled(t *testing.T, s surfaceLogin, r *apptest.Response, retryAfter string) {
	t.Helper()
	if r.Status != s.status || r.Header.Get("Retry-After") != retryAfter {
		t.Fatalf("%s throttled login = %d, Retry-After %q; want %d, %q (%s)", s.name, r.Status, r.Header.Get("Retry-After"), s.status, retryAfter, r.Body)
	}
	if got := jsonMember(t, r, s.member); got != s.value {
		t.Errorf("%s throttled body %s = %v, want %v", s.name, s.member, got, s.value)
	}
}

// delayLog records the login slowdown's delays of one replica.
type delayLog struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *delayLog) Sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

// take returns the delays so far and forgets them.
func (s *delayLog) take() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.d
	s.d = nil
	return d
}

// throttleReplica is one of two renovas serving one database.
type throttleReplica struct {
	*apptest.Env
	name   string
	delays *delayLog
}

// throttleReplicas starts two renovas, each with its own HTTP server on loopback,
// over one fresh PostgreSQL schema and one clock: two replicas behind a
// load balancer.
func throttleReplicas(t *testing.T, opt apptest.Options) (a, b *throttleReplica) {
	opt.DatabaseURL = apptest.PostgresURL(t)
	opt.Clock = apptest.NewClock()
	start := func(name string) *throttleReplica {
		r := &throttleReplica{name: name, delays: &delayLog{}}
		opt.Sleep = r.delays.Sleep
		r.Env = apptest.Start(t, opt)
		return r
	}
	a, b = start("A"), start("B")
	b.Creds = a.Creds // the second start finds the tenant and prints nothing
	return a, b
}

// TestThrottleSharedByReplicas: on PostgreSQL two replicas enforce one
// throttle (issue 14, acceptance 3): failures spread over both lock the
// account and IP out on both, with the same real Retry-After; an IP's
// failures over both reach its limit; the account's slowdown counts its
// failures on both, and a success on one ends it on the other. With
// per-process counts each replica would have seen half and let every
// attempt through undelayed.
func TestThrottleSharedByReplicas(t *testing.T) {
	t.Run("lockout", func(t *testing.T) {
		a, b := throttleReplicas(t, apptest.Options{Configure: loginLimits(4, 10, 100)})
		c := a.Creds
		for i, r := range []*throttleReplica{a, b, a, b} {
			if got := passwordLogin(t, r.Env, c.AdminLogin, "wrong", forwardedFor("192.0.2.1")); got != 400 {
				t.Fatalf("failure %d on %s = %d, want 400", i+1, r.name, got)
			}
		}
		a.Clock.Advance(time.Minute)
		for _, r := range []*throttleReplica{a, b} {
			resp := standardLogin(t, r.Env, c.AdminLogin, c.AdminPass, forwardedFor("192.0.2.1"))
			if resp.Status != 503 || resp.Header.Get("Retry-After") != "840" {
				t.Errorf("right password on %s after 2+2 failures = %d, Retry-After %q; want 503, 840", r.name, resp.Status, resp.Header.Get("Retry-After"))
			}
		}
		if got := passwordLogin(t, b.Env, c.AdminLogin, c.AdminPass, forwardedFor("192.0.2.2")); got != 200 {
			t.Errorf("the account from another IP on B = %d, want 200", got)
		}
		for i := range 10 {
			r := []*throttleReplica{a, b}[i%2]
			passwordLogin(t, r.Env, "guess"+itoa(i), "wrong", forwardedFor("198.51.100.9"))
		}
		for _, r := range []*throttleReplica{a, b} {
			if got := passwordLogin(t, r.Env, c.AdminLogin, c.AdminPass, forwardedFor("198.51.100.9")); got != 503 {
				t.Errorf("the IP after 5+5 failures over both replicas, on %s = %d, want 503", r.name, got)
			}
		}
	})
	t.Run("slowdown", func(t *testing.T) {
		a, b := throttleReplicas(t, apptest.Options{Configure: loginLimits(100, 100, 3)})
		c := a.Creds
		for i, r := range []*throttleReplica{a, b, a, b, a, b} {
			passwordLogin(t, r.Env, c.AdminLogin, "wrong", forwardedFor("203.0.113."+itoa(i)))
		}
		ms := time.Millisecond
		wantSleeps(t, a, 500*ms)
		wantSleeps(t, b, 250*ms, time.Second)
		if got := passwordLogin(t, a.Env, c.AdminLogin, c.AdminPass, forwardedFor("203.0.113.99")); got != 200 {
			t.Fatalf("the owner's login on A = %d, want 200", got)
		}
		wantSleeps(t, a, 2*time.Second)
		if got := passwordLogin(t, b.Env, c.AdminLogin, c.AdminPass, forwardedFor("203.0.113.98")); got != 200 {
			t.Fatalf("the owner's login on B = %d, want 200", got)
		}
		wantSleeps(t, b) // A's success ended the slowdown for B too
	})
	t.Run("hdi creations", func(t *testing.T) {
		a, b := throttleReplicas(t, apptest.Options{Mounts: []string{"dialect=hdi,prefix=/hdi,tenant=demo,client=hdi-client,new_users_per_hour=3"}})
		steps := []struct {
			r      *throttleReplica
			user   string
			status int
			retry  string
		}{
			{a, "u1", 200, ""}, {b, "u2", 200, ""}, {a, "u3", 200, ""},
			{b, "u4", 429, "3000"}, {a, "u4", 429, "3000"}, // u1 leaves the hour at 60 min
			{a, "u2", 200, ""}, // a user the partner has costs nothing
		}
		for i, s := range steps {
			if i == 1 {
				a.Clock.Advance(10 * time.Minute)
			}
			r := authorizeUser(t, s.r.Env, s.user)
			if r.Status != s.status || r.Header.Get("Retry-After") != s.retry {
				t.Errorf("authorize %s on %s = %d, Retry-After %q; want %d, %q (%s)", s.user, s.r.name, r.Status, r.Header.Get("Retry-After"), s.status, s.retry, r.Body)
			}
		}
		a.Clock.Advance(50 * time.Minute)
		if r := authorizeUser(t, b.Env, "u4"); r.Status != 200 {
			t.Errorf("authorize u4 on B once u1 left the hour = %d %s, want 200", r.Status, r.Body)
		}
	})
}

// wantSleeps checks the slowdown delays replica r waited since the last
// check.
func wantSleeps(t *testing.T, r *throttleReplica, want ...time.Duration) {
	t.Helper()
	if got := r.delays.take(); !slices.Equal(got, want) {
		t.Errorf("slowdown delays on %s = %v, want %v", r.name, got, want)
	}
}

// authorizeUser calls HDI's /authorize for the partner's user id.
func authorizeUser(t *testing.T, env *apptest.Env, id string) *apptest.Response {
	t.Helper()
	h := http.Header{"X-Company-Id": {"01"}, "X-Application-Id": {"01"}, "X-User-Id": {id}}
	return env.Post(t, "/hdi/corporate/security/v1/authorize?key="+url.QueryEscape(env.Creds.HDIKey), "application/json",
		`{"applicationCode":"demo-app"}`, h)
}

// TestThrottleSingleProcessSQLite: on SQLite one process keeps the counts
// in memory and behaves as before issue 14's sharing: the lockout with
// its real Retry-After, the IP limit and the slowdown, all in one place.
func TestThrottleSingleProcessSQLite(t *testing.T) {
	rec := &delayLog{}
	env := apptest.Start(t, apptest.Options{Configure: loginLimits(4, 6, 3), Sleep: rec.Sleep})
	r := &throttleReplica{Env: env, name: "sqlite", delays: rec}
	c := env.Creds
	for range 4 {
		passwordLogin(t, env, c.AdminLogin, "wrong", forwardedFor("192.0.2.1"))
	}
	wantSleeps(t, r, 250*time.Millisecond)
	env.Clock.Advance(time.Minute)
	if resp := standardLogin(t, env, c.AdminLogin, c.AdminPass, forwardedFor("192.0.2.1")); resp.Status != 503 || resp.Header.Get("Retry-After") != "840" {
		t.Errorf("right password after 4 failures = %d, Retry-After %q; want 503, 840", resp.Status, resp.Header.Get("Retry-After"))
	}
	passwordLogin(t, env, "guess1", "wrong", forwardedFor("192.0.2.1"))
	passwordLogin(t, env, "guess2", "wrong", forwardedFor("192.0.2.1"))
	if got := passwordLogin(t, env, "guess3", "x", forwardedFor("192.0.2.1")); got != 503 {
		t.Errorf("a sixth failure from the IP = %d, want 503 (IP limit 6)", got)
	}
	if got := passwordLogin(t, env, c.AdminLogin, c.AdminPass, forwardedFor("192.0.2.2")); got != 200 {
		t.Errorf("the account from another IP = %d, want 200", got)
	}
	wantSleeps(t, r, 500*time.Millisecond)
}

// holdTable locks table in the schema of dbURL from a connection of its
// own until release: every statement of renova that touches the table
// waits for it and times out, while the rest of the database answers,
// the way the throttle's part of a PostgreSQL outage looks to a login.
func holdTable(t *testing.T, dbURL, table string) (release func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err == nil {
		_, err = tx.Exec(ctx, "LOCK TABLE "+table+" IN ACCESS EXCLUSIVE MODE")
	}
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			tx.Rollback(ctx)
			conn.Close(ctx)
		})
	}
	t.Cleanup(release)
	return release
}

// TestThrottleStoreDownFailsClosed: when PostgreSQL cannot answer the
// throttle, logins fail closed: the right password and a wrong one alike
// get 503 temporarily_unavailable with Retry-After and no session, never
// a login that skipped the count (a guesser who could make the throttle
// time out would otherwise guess unthrottled); HDI's creation limit
// refuses new users the same way. Once the database answers, the same
// login succeeds.
func TestThrottleStoreDownFailsClosed(t *testing.T) {
	dbURL := apptest.PostgresURL(t)
	env := apptest.Start(t, apptest.Options{DatabaseURL: dbURL, StoreTimeout: 300 * time.Millisecond})
	c := env.Creds
	release := holdTable(t, dbURL, "throttle_counts")
	for _, pass := range []string{c.AdminPass, "wrong"} {
		r := standardLogin(t, env, c.AdminLogin, pass, nil)
		if r.Status != 503 || r.Header.Get("Retry-After") != "1" || jsonMember(t, r, "error") != "temporarily_unavailable" {
			t.Errorf("login (password right: %v) while the throttle is down = %d, Retry-After %q %s; want 503, 1", pass == c.AdminPass, r.Status, r.Header.Get("Retry-After"), r.Body)
		}
	}
	if ss, err := env.App.Store.ListSessions(context.Background(), store.SessionFilter{}); err != nil || len(ss) != 0 {
		t.Errorf("sessions while the throttle is down = %d, %v; want none", len(ss), err)
	}
	release()
	if r := standardLogin(t, env, c.AdminLogin, c.AdminPass, nil); r.Status != 200 {
		t.Errorf("login once the database answers = %d %s, want 200", r.Status, r.Body)
	}

	release = holdTable(t, dbURL, "throttle_events")
	if r := authorizeUser(t, env, "new-user"); r.Status != 503 || r.Header.Get("Retry-After") != "1" {
		t.Errorf("HDI authorize of a new user while the limit's log is down = %d, Retry-After %q %s; want 503, 1", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	release()
	if r := authorizeUser(t, env, "new-user"); r.Status != 200 {
		t.Errorf("HDI authorize once the database answers = %d %s, want 200", r.Status, r.Body)
	}
}

// TestThrottleOutageKeepsCounts: with the whole database cut off, a login
// is 503 with Retry-After (it fails closed: nothing answers, not even the
// user lookup); once it returns, the failures counted before the outage
// still count, so an outage never resets a guesser's window.
func TestThrottleOutageKeepsCounts(t *testing.T) {
	dbURL := apptest.PostgresURL(t)
	u, _ := url.Parse(dbURL)
	proxy := apptest.NewProxy(t, u.Host)
	u.Host = proxy.Addr
	env := apptest.Start(t, apptest.Options{DatabaseURL: u.String(), StoreTimeout: time.Second, Configure: loginLimits(3, 200, 100)})
	c := env.Creds
	for range 2 {
		passwordLogin(t, env, c.AdminLogin, "wrong", nil)
	}
	proxy.Cut()
	if r := standardLogin(t, env, c.AdminLogin, c.AdminPass, nil); r.Status != 503 || r.Header.Get("Retry-After") != "1" {
		t.Errorf("login during the outage = %d, Retry-After %q; want 503, 1", r.Status, r.Header.Get("Retry-After"))
	}
	proxy.Restore(t)
	waitStatus(t, env, "/readyz", 200, 10*time.Second)
	passwordLogin(t, env, c.AdminLogin, "wrong", nil)
	env.Clock.Advance(time.Minute)
	if r := standardLogin(t, env, c.AdminLogin, c.AdminPass, nil); r.Status != 503 || r.Header.Get("Retry-After") != "840" {
		t.Errorf("right password after 2 failures, an outage and 1 failure = %d, Retry-After %q; want 503, 840", r.Status, r.Header.Get("Retry-After"))
	}
}
