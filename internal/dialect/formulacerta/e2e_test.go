package formulacerta_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// TestRefreshExpiredAccessToken is issue 6 acceptance 2a: login, move the
// clock past the access token's 15 minutes, refresh with the expired
// access token and the refresh token: success, new live tokens.
func TestRefreshExpiredAccessToken(t *testing.T) {
	env := start(t)
	first := login(t, env)
	env.Clock.Advance(16 * time.Minute)
	ctx := context.Background()
	if _, _, err := env.App.Svc.Authenticate(ctx, mustClient(t, env, "formulacerta-client"), first.AccessToken); err == nil {
		t.Fatal("Authenticate(old access token) after 16 min succeeded, want expired")
	}
	resp, got := refresh(t, env, first.AccessToken, first.RefreshAccessToken)
	if resp.Status != http.StatusOK || !got.Succeeded || got.ErrorCode != 0 || len(got.Errors) != 0 {
		t.Fatalf("refreshtoken(expired access token) = %d %s, want 200 Succeeded", resp.Status, resp.Body)
	}
	if got.AccessToken == first.AccessToken || got.RefreshAccessToken == first.RefreshAccessToken {
		t.Errorf("refreshtoken returned the old tokens")
	}
	if got.TokenType != "Bearer" || got.ClienteID != 1 {
		t.Errorf("TokenType, ClienteId = %q, %d, want Bearer, 1", got.TokenType, got.ClienteID)
	}
	if want := env.Clock.Now().Add(15 * time.Minute).Format("2006-01-02T15:04:05-07:00"); got.Expires != want {
		t.Errorf("Expires = %q, want %q", got.Expires, want)
	}
	c, _, err := env.App.Svc.Authenticate(ctx, mustClient(t, env, "formulacerta-client"), got.AccessToken)
	if err != nil {
		t.Fatalf("Authenticate(new access token) = %v", err)
	}
	if c.SessionID != claimsOf(t, first.AccessToken).SessionID {
		t.Errorf("new token's session %q, want the login's", c.SessionID)
	}
	// The new pair renews again, also once expired.
	env.Clock.Advance(20 * time.Minute)
	if resp, _ := refresh(t, env, got.AccessToken, got.RefreshAccessToken); resp.Status != http.StatusOK {
		t.Errorf("second refreshtoken = %d %s, want 200", resp.Status, resp.Body)
	}
}

// TestRefreshOtherSession is acceptance 2b: a refresh token presented with
// the access token of another session is refused (401, ErrorCode 7),
// audited, and costs neither session anything.
func TestRefreshOtherSession(t *testing.T) {
	env := start(t)
	a, b := login(t, env), login(t, env)
	resp, got := refresh(t, env, a.AccessToken, b.RefreshAccessToken)
	if resp.Status != http.StatusUnauthorized || got.Succeeded || got.ErrorCode != 7 || len(got.Errors) != 1 {
		t.Fatalf("refreshtoken(A's access, B's refresh) = %d %s, want 401 ErrorCode 7", resp.Status, resp.Body)
	}
	env.App.Audit.Flush()
	sidB := claimsOf(t, b.AccessToken).SessionID
	events, err := env.App.Store.ListAudit(context.Background(), store.AuditFilter{SessionID: sidB, Action: "refresh.session_mismatch"})
	if err != nil || len(events) != 1 {
		t.Errorf("audit refresh.session_mismatch for B = %d events (%v), want 1", len(events), err)
	}
	for name, p := range map[string]result{"A": a, "B": b} {
		if resp, _ := refresh(t, env, p.AccessToken, p.RefreshAccessToken); resp.Status != http.StatusOK {
			t.Errorf("refreshtoken(%s's own pair) after the mismatch = %d %s, want 200", name, resp.Status, resp.Body)
		}
	}
}

// TestRefreshReuse is acceptance 2c: inside the grace window a retry gets
// the same successor; after it, the old refresh token is reuse: 401
// ErrorCode 4, and the whole session is revoked (its live token then gets
// ErrorCode 6).
func TestRefreshReuse(t *testing.T) {
	env := start(t)
	first := login(t, env)
	_, next := refresh(t, env, first.AccessToken, first.RefreshAccessToken)
	if !next.Succeeded {
		t.Fatalf("first refreshtoken failed: %+v", next)
	}
	env.Clock.Advance(5 * time.Second)
	_, replay := refresh(t, env, first.AccessToken, first.RefreshAccessToken)
	if !replay.Succeeded || replay.RefreshAccessToken != next.RefreshAccessToken {
		t.Fatalf("retry inside the grace window = %+v, want the same successor", replay)
	}
	env.Clock.Advance(auth.DefaultGrace + time.Second)
	resp, got := refresh(t, env, first.AccessToken, first.RefreshAccessToken)
	if resp.Status != http.StatusUnauthorized || got.Succeeded || got.ErrorCode != 4 {
		t.Fatalf("reuse after the grace window = %d %s, want 401 ErrorCode 4", resp.Status, resp.Body)
	}
	resp, got = refresh(t, env, next.AccessToken, next.RefreshAccessToken)
	if resp.Status != http.StatusUnauthorized || got.ErrorCode != 6 {
		t.Errorf("successor after reuse = %d %s, want 401 ErrorCode 6 (session revoked)", resp.Status, resp.Body)
	}
	if _, _, err := env.App.Svc.Authenticate(context.Background(), mustClient(t, env, "formulacerta-client"), next.AccessToken); err == nil {
		t.Errorf("Authenticate(successor's access token) after reuse succeeded, want the session revoked")
	}
}

// TestRefreshLifetimes checks the session bounds still apply to an expired
// access token: the idle timeout ends the session (ErrorCode 5), and so does
// the absolute lifetime, however often the pair was renewed.
func TestRefreshLifetimes(t *testing.T) {
	env := start(t)
	idle := login(t, env)
	env.Clock.Advance(auth.DefaultIdleTTL + time.Minute)
	if resp, got := refresh(t, env, idle.AccessToken, idle.RefreshAccessToken); resp.Status != http.StatusUnauthorized || got.ErrorCode != 5 {
		t.Errorf("refreshtoken after the idle timeout = %d %s, want 401 ErrorCode 5", resp.Status, resp.Body)
	}
	p := login(t, env)
	step := 20 * 24 * time.Hour // inside the idle timeout, so only the absolute lifetime can end it
	for i := 1; i*int(step/time.Hour) < int(auth.DefaultAbsoluteTTL/time.Hour); i++ {
		env.Clock.Advance(step)
		resp, got := refresh(t, env, p.AccessToken, p.RefreshAccessToken)
		if !got.Succeeded {
			t.Fatalf("refreshtoken after %d×20 days = %d %s, want 200", i, resp.Status, resp.Body)
		}
		p = got
	}
	env.Clock.Advance(step)
	if resp, got := refresh(t, env, p.AccessToken, p.RefreshAccessToken); resp.Status != http.StatusUnauthorized || got.ErrorCode != 5 {
		t.Errorf("refreshtoken past the absolute lifetime = %d %s, want 401 ErrorCode 5", resp.Status, resp.Body)
	}
}

// TestRefreshOtherClient refuses an access token renova signed for another
// client (here the iCredit mount's), even with a refresh token of the same
// session: the mount only renews its own client's tokens.
func TestRefreshOtherClient(t *testing.T) {
	env := start(t)
	ctx := context.Background()
	c, err := env.App.Store.GetClient(ctx, "icredit-client")
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := env.App.Svc.Login(ctx, auth.LoginRequest{Client: c, Username: userLogin, Password: userPass})
	if err != nil {
		t.Fatal(err)
	}
	resp, got := refresh(t, env, g.AccessToken, g.RefreshToken)
	if resp.Status != http.StatusUnauthorized || got.ErrorCode != 3 {
		t.Errorf("refreshtoken(icredit pair) = %d %s, want 401 ErrorCode 3", resp.Status, resp.Body)
	}
}

// mustClient reads a client record for calls into the core.
func mustClient(t *testing.T, env *apptest.Env, id string) *auth.Client {
	t.Helper()
	c, err := env.App.Store.GetClient(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
