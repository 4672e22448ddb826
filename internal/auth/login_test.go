package auth_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/password"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/token"
)

// TestLogin: the right password opens a new session with its first
// refresh token; every login is its own session (PRODUCT.md §2), and the
// user may be named by login or e-mail in any case.
func TestLogin(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	agent := strings.Repeat("a", 300)
	seen := map[string]bool{}
	for _, name := range []string{"alice", "ALICE", "alice@example.test", "Alice@Example.Test"} {
		f.clock.Advance(time.Minute)
		now := f.clock.Now()
		g, u, err := f.svc.Login(ctx, auth.LoginRequest{Client: f.conf, Username: name, Password: userPass,
			Meta: auth.Meta{IP: "192.0.2.7", UserAgent: agent}})
		if err != nil {
			t.Fatalf("Login(%q) = %v", name, err)
		}
		if u.ID != f.user.ID || g.RefreshToken == "" || g.Client != f.conf || g.Tenant.ID != f.tenant.ID {
			t.Errorf("Login(%q) = user %s refresh %q client %v tenant %v", name, u.ID, g.RefreshToken, g.Client.ID, g.Tenant)
		}
		s := f.session(t, g.Session.ID)
		if seen[s.ID] {
			t.Errorf("Login(%q) reused session %s; every login is its own session", name, s.ID)
		}
		seen[s.ID] = true
		want := store.Session{ID: s.ID, TenantID: f.tenant.ID, UserID: f.user.ID, ClientID: f.conf.ID, Scope: "openid profile email",
			Generation: 1, CreatedAt: now, LastUsedAt: now, IdleExpiresAt: now.Add(idleTTL), ExpiresAt: now.Add(absoluteTTL),
			IP: "192.0.2.7", UserAgent: agent[:256]}
		if !sameSession(s, &want) {
			t.Errorf("Login(%q) stored session\n%+v\nwant\n%+v", name, *s, want)
		}
		var claims token.Claims
		if err := f.svc.Verifier().Parse(g.AccessToken, &claims, token.Options{}); err != nil || claims.SessionID != s.ID || claims.Subject != u.ID {
			t.Errorf("Login(%q) access token: %v, sid %s sub %s", name, err, claims.SessionID, claims.Subject)
		}
		if got := f.audit(t, s.ID); len(got) != 1 || got[0] != "login/" {
			t.Errorf("Login(%q) audit = %v, want [login/]", name, got)
		}
	}
	if got := f.count(t, "renova_login_total", "success"); got != 4 {
		t.Errorf("renova_login_total{success} = %v, want 4", got)
	}
}

// sameSession compares the fields a login sets.
func sameSession(a, b *store.Session) bool {
	return a.ID == b.ID && a.TenantID == b.TenantID && a.UserID == b.UserID && a.ClientID == b.ClientID &&
		a.Scope == b.Scope && a.Generation == b.Generation && a.CreatedAt.Equal(b.CreatedAt) &&
		a.LastUsedAt.Equal(b.LastUsedAt) && a.IdleExpiresAt.Equal(b.IdleExpiresAt) && a.ExpiresAt.Equal(b.ExpiresAt) &&
		a.IP == b.IP && a.UserAgent == b.UserAgent && !a.Revoked()
}

// TestLoginSameAnswer: an unknown user, a wrong password and a disabled
// account get one and the same answer, so none can be told apart
// (STYLE.md "a message never reveals whether a user exists").
func TestLoginSameAnswer(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	bob := f.newUser(t, f.tenant.ID, "bob", userPass)
	if err := f.svc.DisableUser(ctx, bob.ID, auth.Meta{}); err != nil {
		t.Fatal(err)
	}
	other := f.newTenant(t, "other", 2)
	f.newUser(t, other.ID, "carol", userPass)
	if _, err := f.svc.ExternalUser(ctx, f.tenant.ID, "12345678900"); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, user, pw string }{
		{"wrong password", userLogin, "not the password"},
		{"password of another case", userLogin, strings.ToUpper(userPass)},
		{"empty password", userLogin, ""},
		{"unknown user", "mallory", userPass},
		{"empty user name", "", userPass},
		{"disabled user, right password", "bob", userPass},
		{"user of another tenant", "carol", userPass},
		{"external user without a password", "12345678900", ""},
	}
	for i, tc := range cases {
		g, u, err := f.svc.Login(ctx, auth.LoginRequest{Client: f.conf, Username: tc.user, Password: tc.pw, Meta: auth.Meta{IP: "192.0.2.9"}})
		ae := wantError(t, "Login("+tc.name+")", err, auth.InvalidGrant, auth.ReasonCredentials)
		if g != nil || u != nil {
			t.Errorf("Login(%s) returned a grant or a user with its error", tc.name)
		}
		if ae.Description != "invalid username or password" || ae.Cause != nil || ae.RetryAfter != 0 {
			t.Errorf("Login(%s) = %q cause %v retry %v; want the one shared answer", tc.name, ae.Description, ae.Cause, ae.RetryAfter)
		}
		if got := f.count(t, "renova_login_total", "failure"); got != float64(i+1) {
			t.Errorf("after Login(%s): renova_login_total{failure} = %v, want %d", tc.name, got, i+1)
		}
	}
	f.log.Flush()
	evs, err := f.st.ListAudit(ctx, store.AuditFilter{Action: "login.failed"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != len(cases) {
		t.Errorf("%d login.failed audit events, want %d", len(evs), len(cases))
	}
	for _, e := range evs {
		if e.Reason != auth.ReasonCredentials || e.IP != "192.0.2.9" || e.ClientID != f.conf.ID || e.Outcome != "failure" {
			t.Errorf("audit event %+v, want a failure with reason, IP and client", *e)
		}
	}
}

// TestLoginRefused: a client's own mistakes are named and are not failed
// logins: they neither count towards the throttle nor cost a hash.
func TestLoginRefused(t *testing.T) {
	f := newFixture(t, auth.Config{LoginAccountLimit: 1})
	noPassword, _ := f.newClient(t, &store.Client{ID: "cc-only", TenantID: f.tenant.ID, Grants: []string{"client_credentials"}})
	cases := []struct {
		name   string
		client *store.Client
		scope  string
		code   string
	}{
		{"client without the password grant", noPassword, "", auth.UnauthorizedClient},
		{"scope the client may not ask for", f.conf, "openid admin", auth.InvalidScope},
		{"a known scope and an unknown one", f.pub, "profile offline_access", auth.InvalidScope},
	}
	ctx := context.Background()
	for _, tc := range cases {
		for range 3 {
			_, _, err := f.svc.Login(ctx, auth.LoginRequest{Client: tc.client, Username: userLogin, Password: "wrong", Scope: tc.scope})
			wantError(t, "Login("+tc.name+")", err, tc.code, "")
		}
	}
	if got := f.count(t, "renova_login_total", "failure"); got != 0 {
		t.Errorf("renova_login_total{failure} = %v, want 0", got)
	}
	f.login(t, f.conf) // a limit of one failure, and still not throttled
}

// attempt is a run of n logins of one name from one IP, after the clock
// moved by wait.
type attempt struct {
	user, ip, pw string
	n            int
	wait         time.Duration
}

// fail is n wrong passwords for user from ip.
func fail(user, ip string, n int) attempt { return attempt{user, ip, "wrong password", n, 0} }

// ok is one right login of the fixture's user from ip.
func ok(ip string) attempt { return attempt{userLogin, ip, userPass, 1, 0} }

// later is a after the clock moved by d.
func later(d time.Duration, a attempt) attempt {
	a.wait = d
	return a
}

// TestLoginThrottle: failed logins are limited per account name and IP
// and per IP, in fixed windows; past a limit even the right password gets
// temporarily_unavailable (throttled) with a Retry-After that is exactly
// the time left until the end of the window (PRODUCT.md §6, issue 14).
func TestLoginThrottle(t *testing.T) {
	const ip, ip2 = "198.51.100.1", "198.51.100.2"
	cases := []struct {
		name    string
		cfg     auth.Config
		before  []attempt
		advance time.Duration
		try     attempt // the login checked
		want    string  // "" success, or the reason of the error
		retry   time.Duration
	}{
		{"under the account limit", auth.Config{}, []attempt{fail(userLogin, ip, 9)}, 0, ok(ip), "", 0},
		{"account limit reached", auth.Config{}, []attempt{fail(userLogin, ip, 10)}, 0, ok(ip), auth.ReasonThrottled, 15 * time.Minute},
		{"Retry-After counts down", auth.Config{}, []attempt{fail(userLogin, ip, 10)}, 5 * time.Minute, ok(ip), auth.ReasonThrottled, 10 * time.Minute},
		{"last second of the window", auth.Config{}, []attempt{fail(userLogin, ip, 10)}, 15*time.Minute - time.Second, ok(ip), auth.ReasonThrottled, time.Second},
		{"window over", auth.Config{}, []attempt{fail(userLogin, ip, 10)}, 15 * time.Minute, ok(ip), "", 0},
		{"the name is case-insensitive", auth.Config{}, []attempt{fail("ALICE", ip, 10)}, 0, ok(ip), auth.ReasonThrottled, 15 * time.Minute},
		{"the e-mail of a locked login name", auth.Config{}, []attempt{fail(userLogin, ip, 10)}, 0, attempt{userEmail, ip, userPass, 1, 0}, auth.ReasonThrottled, 15 * time.Minute},
		{"the login name of a locked e-mail", auth.Config{}, []attempt{fail(strings.ToUpper(userEmail), ip, 10)}, 0, ok(ip), auth.ReasonThrottled, 15 * time.Minute},
		{"spellings of a user add up", auth.Config{}, []attempt{fail(userLogin, ip, 5), fail(userEmail, ip, 5)}, 0, ok(ip), auth.ReasonThrottled, 15 * time.Minute},
		{"an unknown name folds its case", auth.Config{}, []attempt{fail("Mallory@Example.test", ip, 10)}, 0, attempt{"mallory@example.test", ip, userPass, 1, 0}, auth.ReasonThrottled, 15 * time.Minute},
		{"the same name from another IP", auth.Config{}, []attempt{fail(userLogin, ip, 10)}, 0, ok(ip2), "", 0},
		{"another name from the same IP", auth.Config{}, []attempt{fail("bob", ip, 10)}, 0, ok(ip), "", 0},
		{"an unknown name is throttled like a known one", auth.Config{}, []attempt{fail("mallory", ip, 10)}, 0, attempt{"mallory", ip, userPass, 1, 0}, auth.ReasonThrottled, 15 * time.Minute},
		{"a success resets the account count", auth.Config{}, []attempt{fail(userLogin, ip, 9), ok(ip), fail(userLogin, ip, 9)}, 0, ok(ip), "", 0},
		{"throttled tries do not count", auth.Config{}, []attempt{fail(userLogin, ip, 10), later(10*time.Minute, fail(userLogin, ip, 5))}, 5 * time.Minute, ok(ip), "", 0},
		{"a new window counts afresh", auth.Config{}, []attempt{fail(userLogin, ip, 9), later(15*time.Minute, fail(userLogin, ip, 9))}, 0, ok(ip), "", 0},
		{"a lower account limit locks out earlier", auth.Config{LoginAccountLimit: 3}, []attempt{fail(userLogin, ip, 3)}, 0, ok(ip), auth.ReasonThrottled, 15 * time.Minute},
		{"under a lower account limit", auth.Config{LoginAccountLimit: 3}, []attempt{fail(userLogin, ip, 2)}, 0, ok(ip), "", 0},
		{"IP limit across names", auth.Config{LoginIPLimit: 5}, []attempt{fail("bob", ip, 3), fail("carol", ip, 2)}, 0, ok(ip), auth.ReasonThrottled, 15 * time.Minute},
		{"IP limit, another IP", auth.Config{LoginIPLimit: 5}, []attempt{fail("bob", ip, 5)}, 0, ok(ip2), "", 0},
		{"a success does not reset the IP count", auth.Config{LoginIPLimit: 5}, []attempt{fail("bob", ip, 4), ok(ip), fail("carol", ip, 1)}, 0, ok(ip), auth.ReasonThrottled, 15 * time.Minute},
		{"a shorter window", auth.Config{LoginAccountLimit: 3, LoginWindow: time.Minute}, []attempt{fail(userLogin, ip, 3)}, 30 * time.Second, ok(ip), auth.ReasonThrottled, 30 * time.Second},
		{"a shorter window ends sooner", auth.Config{LoginAccountLimit: 3, LoginWindow: time.Minute}, []attempt{fail(userLogin, ip, 3)}, time.Minute, ok(ip), "", 0},
	}
	base := newFixture(t, auth.Config{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := base.with(tc.cfg)
			for _, a := range tc.before {
				f.clock.Advance(a.wait)
				for range a.n {
					try(f, a) // some of these are throttled already; only the last try is checked
				}
			}
			f.clock.Advance(tc.advance)
			g, err := try(f, tc.try)
			if tc.want == "" {
				if err != nil || g == nil {
					t.Fatalf("Login(%s from %s) = %v, want a session", tc.try.user, tc.try.ip, err)
				}
				return
			}
			code := auth.TemporarilyUnavailable
			if tc.want == auth.ReasonCredentials {
				code = auth.InvalidGrant
			}
			ae := wantError(t, "Login", err, code, tc.want)
			if ae.RetryAfter != tc.retry {
				t.Errorf("Login Retry-After = %v, want %v", ae.RetryAfter, tc.retry)
			}
			if f.count(t, "renova_login_total", "throttled") == 0 {
				t.Error("renova_login_total{throttled} was not incremented")
			}
		})
	}
}

// try makes one login attempt.
func try(f *fixture, a attempt) (*auth.Grant, error) {
	g, _, err := f.svc.Login(context.Background(), auth.LoginRequest{Client: f.conf, Username: a.user, Password: a.pw, Meta: auth.Meta{IP: a.ip}})
	return g, err
}

// TestLoginRehash: a legacy bcrypt hash (an imported user) or an argon2id
// hash of other parameters is replaced, on a good login, by an argon2id
// hash of the current parameters; a bad login changes nothing.
func TestLoginRehash(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	bc, err := bcrypt.GenerateFromPassword([]byte(userPass), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	weak, err := password.New(password.Params{Memory: 32, Time: 1, Threads: 1}, 1).Hash(ctx, userPass)
	if err != nil {
		t.Fatal(err)
	}
	current, err := password.New(fastPassword, 1).Hash(ctx, userPass)
	if err != nil {
		t.Fatal(err)
	}
	const fresh = "$argon2id$v=19$m=64,t=1,p=1$"
	cases := []struct {
		name, hash, pw string
		rehashed       bool
	}{
		{"imported bcrypt", string(bc), userPass, true},
		{"imported bcrypt, wrong password", string(bc), "wrong password", false},
		{"argon2id of other parameters", weak, userPass, true},
		{"argon2id of the current parameters", current, userPass, false},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			login := fmt.Sprintf("imported%d", i)
			u := &store.User{TenantID: f.tenant.ID, Login: login, PasswordHash: tc.hash}
			if err := f.svc.NewUser(ctx, u, ""); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(time.Minute)
			_, _, err := f.svc.Login(ctx, auth.LoginRequest{Client: f.conf, Username: login, Password: tc.pw})
			if (err == nil) != (tc.pw == userPass) {
				t.Fatalf("Login = %v", err)
			}
			got, err := f.st.GetUser(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if rehashed := got.PasswordHash != tc.hash; rehashed != tc.rehashed {
				t.Fatalf("hash after login %.30s…, rehashed = %v, want %v", got.PasswordHash, rehashed, tc.rehashed)
			}
			if tc.rehashed && (!strings.HasPrefix(got.PasswordHash, fresh) || !got.UpdatedAt.Equal(f.clock.Now())) {
				t.Errorf("new hash %.30s… updated %v, want %s… now", got.PasswordHash, got.UpdatedAt, fresh)
			}
			if _, _, err := f.svc.Login(ctx, auth.LoginRequest{Client: f.conf, Username: login, Password: userPass}); err != nil {
				t.Errorf("second Login with the right password = %v", err)
			}
		})
	}
}

// userEmail is the fixture user's e-mail, the other spelling of userLogin.
const userEmail = userLogin + "@example.test"

// TestLoginSlowdown: failures of one account from many IPs and through
// both spellings never lock it out, but past LoginSlowdownAfter each login
// waits a delay that doubles up to a cap; the owner then logs in, after
// the capped wait, and the success ends the slowdown (issue 14). An
// unknown name is slowed down exactly alike (its spellings are its case
// variants: an e-mail is known only for a user), so the delays of one
// name say nothing about whether a user exists.
func TestLoginSlowdown(t *testing.T) {
	ms := time.Millisecond
	want := []time.Duration{250 * ms, 500 * ms, time.Second, 2 * time.Second}
	for range 36 {
		want = append(want, 4*time.Second)
	}
	base := newFixture(t, auth.Config{})
	for _, spellings := range [][]string{{userLogin, strings.ToUpper(userEmail)}, {"mallory", "MALLORY"}} {
		name := spellings[0]
		f := base.with(auth.Config{LoginSlowdownAfter: 5})
		for i := range 45 {
			ip := fmt.Sprintf("203.0.113.%d", i)
			_, err := try(f, attempt{spellings[i%2], ip, "wrong password", 1, 0})
			wantError(t, fmt.Sprintf("Login(%s, wrong, try %d from %s)", name, i+1, ip), err, auth.InvalidGrant, auth.ReasonCredentials)
		}
		if got := f.sleeps.take(); !slices.Equal(got, want) {
			t.Errorf("%s: delays of 45 failures = %v, want %v", name, got, want)
		}
		if name != userLogin {
			continue
		}
		if g, err := try(f, ok("198.51.100.9")); err != nil || g == nil {
			t.Fatalf("Login(owner after 45 failures from 45 IPs) = %v, want a session", err)
		}
		if got := f.sleeps.take(); !slices.Equal(got, []time.Duration{4 * time.Second}) {
			t.Errorf("owner's delay = %v, want [4s]", got)
		}
		try(f, fail(userLogin, "203.0.113.1", 1))
		if got := f.sleeps.take(); len(got) != 0 {
			t.Errorf("delay after the owner's success = %v, want none", got)
		}
	}
}
