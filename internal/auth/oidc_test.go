package auth_test

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/store"
)

// idClaims verifies an ID token with the ring's public key of its kid,
// independently of the service's verifier, and returns its claims.
func (f *fixture) idClaims(t *testing.T, tok, alg string) jwt.MapClaims {
	t.Helper()
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(tk *jwt.Token) (any, error) {
		pub, a, ok := f.ring.Public(tk.Header["kid"].(string))
		if !ok || a != alg {
			return nil, errors.New("unknown kid or other algorithm")
		}
		return pub, nil
	}, jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(f.clock.Now))
	if err != nil {
		t.Fatalf("ID token does not verify with %s: %v", alg, err)
	}
	return claims
}

// wantAtHash recomputes at_hash (OIDC Core §3.1.3.6) for alg.
func wantAtHash(alg, at string) string {
	var sum []byte
	if alg == keys.EdDSA {
		s := sha512.Sum512([]byte(at))
		sum = s[:32]
	} else {
		s := sha256.Sum256([]byte(at))
		sum = s[:16]
	}
	return base64.RawURLEncoding.EncodeToString(sum)
}

// TestIDToken checks every claim of the code exchange's ID token, for each
// algorithm of the key ring, verified with the public key.
func TestIDToken(t *testing.T) {
	for _, alg := range keys.Algs {
		f := newFixture(t, auth.Config{})
		newBrowserClients(t, f)
		c, _ := f.newClient(t, &store.Client{ID: "alg", TenantID: f.tenant.ID, Public: true, Alg: alg,
			Grants: []string{"authorization_code"}, Scopes: []string{"openid", "profile", "email"}, RedirectURIs: []string{spaCallback}})
		bob := &store.User{TenantID: f.tenant.ID, Login: "bob", Email: "bob@example.test", Name: "Bob Example"}
		if err := f.svc.NewUser(context.Background(), bob, userPass); err != nil {
			t.Fatal(err)
		}
		req := pkceRequest("openid profile email")
		req.ClientID = "alg"
		a := f.mustAuthorize(t, req)
		b, _, err := f.svc.SignIn(context.Background(), a, "bob", userPass, auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		authTime := f.clock.Now()
		f.clock.Advance(5 * 1e9)
		code, err := f.svc.Code(context.Background(), a, b, auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		g, err := f.exchange(c, code, spaCallback, verifier)
		if err != nil || g.IDToken == "" {
			t.Fatalf("ExchangeCode(%s) = %+v, %v; want an ID token", alg, g, err)
		}
		got := f.idClaims(t, g.IDToken, alg)
		want := map[string]any{"iss": "https://renova.test", "sub": bob.ID, "aud": "alg", "azp": "alg", "nonce": req.Nonce,
			"sid": b.ID, "at_hash": wantAtHash(alg, g.AccessToken), "auth_time": float64(authTime.Unix()),
			"iat": float64(f.clock.Now().Unix()), "exp": float64(f.clock.Now().Add(accessTTL).Unix()),
			"email": "bob@example.test", "email_verified": false, "name": "Bob Example"}
		for k, v := range want {
			gv := got[k]
			if arr, ok := gv.([]any); ok && len(arr) == 1 {
				gv = arr[0]
			}
			if gv != v {
				t.Errorf("ID token (%s) %s = %v, want %v", alg, k, got[k], v)
			}
		}
		if extra := slices.Collect(maps.Keys(got)); len(extra) != len(want) {
			t.Errorf("ID token (%s) claims = %v, want exactly %d", alg, extra, len(want))
		}
	}
}

// TestIDTokenScope checks that email and name follow the scope.
func TestIDTokenScope(t *testing.T) {
	f := newFixture(t, auth.Config{})
	bc := newBrowserClients(t, f)
	code, _, _ := f.code(t, pkceRequest("openid"))
	g, err := f.exchange(bc.spa, code, spaCallback, verifier)
	if err != nil {
		t.Fatal(err)
	}
	got := f.idClaims(t, g.IDToken, keys.ES256)
	for _, k := range []string{"email", "email_verified", "name"} {
		if _, ok := got[k]; ok {
			t.Errorf("ID token for scope openid has %s = %v", k, got[k])
		}
	}
}

// TestRefreshIDToken checks OIDC Core §12.2: a refresh of an openid
// session of the code flow returns a new ID token, same sub, auth_time
// and sid, no nonce, at_hash of the new access token.
func TestRefreshIDToken(t *testing.T) {
	f := newFixture(t, auth.Config{})
	bc := newBrowserClients(t, f)
	code, b, _ := f.code(t, pkceRequest("openid email"))
	authTime := f.clock.Now()
	g, err := f.exchange(bc.spa, code, spaCallback, verifier)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(accessTTL)
	r, err := f.svc.Refresh(context.Background(), auth.RefreshRequest{Client: bc.spa, Token: g.RefreshToken})
	if err != nil || r.IDToken == "" {
		t.Fatalf("Refresh = %+v, %v; want an ID token", r, err)
	}
	got := f.idClaims(t, r.IDToken, keys.ES256)
	if got["sub"] != f.user.ID || got["sid"] != b.ID || got["auth_time"] != float64(authTime.Unix()) ||
		got["at_hash"] != wantAtHash(keys.ES256, r.AccessToken) || got["email"] != f.user.Email {
		t.Errorf("refreshed ID token = %v", got)
	}
	if _, ok := got["nonce"]; ok {
		t.Errorf("refreshed ID token has nonce %v", got["nonce"])
	}
	pw := f.login(t, f.conf)
	if r, err := f.refresh(pw.RefreshToken); err != nil || r.IDToken != "" {
		t.Errorf("Refresh(password session) = %v, ID token %q; want none", err, r.IDToken)
	}
}

// TestUserInfo checks OIDC Core §5.3: sub always, profile and email
// claims by scope, and invalid_token for anything but a live access token.
func TestUserInfo(t *testing.T) {
	f := newFixture(t, auth.Config{})
	bc := newBrowserClients(t, f)
	tests := []struct {
		scope string
		want  map[string]any
	}{
		{"openid", map[string]any{"sub": f.user.ID}},
		{"openid profile", map[string]any{"sub": f.user.ID, "preferred_username": userLogin}},
		{"openid email", map[string]any{"sub": f.user.ID, "email": f.user.Email, "email_verified": false}},
	}
	for _, tc := range tests {
		code, _, _ := f.code(t, pkceRequest(tc.scope))
		g, err := f.exchange(bc.spa, code, spaCallback, verifier)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.UserInfo(context.Background(), g.AccessToken)
		if err != nil || !maps.Equal(got, tc.want) {
			t.Errorf("UserInfo(%s) = %v, %v; want %v", tc.scope, got, err, tc.want)
		}
		_, err = f.svc.UserInfo(context.Background(), g.IDToken)
		wantError(t, "UserInfo(ID token)", err, auth.InvalidToken, "")
		if err := f.svc.Logout(context.Background(), g.Session.ID, auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.UserInfo(context.Background(), g.AccessToken)
		wantError(t, "UserInfo(revoked session)", err, auth.InvalidToken, "")
	}
	for _, bad := range []string{"", "garbage", "a.b.c"} {
		_, err := f.svc.UserInfo(context.Background(), bad)
		wantError(t, "UserInfo("+bad+")", err, auth.InvalidToken, "")
	}
	code, _, _ := f.code(t, pkceRequest("openid"))
	g, _ := f.exchange(bc.spa, code, spaCallback, verifier)
	f.clock.Advance(accessTTL)
	_, err := f.svc.UserInfo(context.Background(), g.AccessToken)
	wantError(t, "UserInfo(expired)", err, auth.InvalidToken, "")
}

// TestEndSession checks RP-initiated logout: the browser session and the
// sessions opened through it end, other sessions stay, and the browser is
// sent back only to a registered post-logout URI of the hinted client.
func TestEndSession(t *testing.T) {
	webReq := func() auth.AuthorizeRequest {
		r := pkceRequest("openid")
		r.ClientID, r.RedirectURI, r.CodeChallenge, r.CodeChallengeMethod = "web", webCallback, "", ""
		return r
	}
	tests := []struct {
		name          string
		hint          func(idToken string) string
		clientID, uri string
		want          string
	}{
		{"hint and registered uri", func(id string) string { return id }, "", webLogout, webLogout + "?state=xyz"},
		{"hint, client_id agrees", func(id string) string { return id }, "web", webLogout, webLogout + "?state=xyz"},
		{"client_id alone", func(id string) string { return "" }, "web", webLogout, webLogout + "?state=xyz"},
		{"hint, client_id differs", func(id string) string { return id }, "spa", webLogout, ""},
		{"unregistered uri", func(id string) string { return id }, "", "https://evil.test/bye", ""},
		{"uri with added query", func(id string) string { return id }, "", webLogout + "?a=b", ""},
		{"forged hint", func(id string) string { return id[:len(id)-4] + "AAAA" }, "", webLogout, ""},
		{"no hint, no client", func(id string) string { return "" }, "", webLogout, ""},
		{"no uri", func(id string) string { return id }, "", "", ""},
	}
	for _, tc := range tests {
		f := newFixture(t, auth.Config{})
		bc := newBrowserClients(t, f)
		code, b, cookie := f.code(t, webReq())
		g, err := f.exchange(bc.web, code, webCallback, "")
		if err != nil {
			t.Fatal(err)
		}
		pw := f.login(t, f.conf)
		f.clock.Advance(2 * accessTTL) // an expired hint is still a hint
		got, err := f.svc.EndSession(context.Background(), auth.EndSessionRequest{Cookie: cookie, IDTokenHint: tc.hint(g.IDToken),
			ClientID: tc.clientID, PostLogoutRedirectURI: tc.uri, State: "xyz"})
		if err != nil || got != tc.want {
			t.Errorf("EndSession(%s) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
		if _, err := f.svc.Browser(context.Background(), cookie); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("Browser after EndSession(%s) = %v, want ErrNotFound", tc.name, err)
		}
		if s := f.session(t, g.Session.ID); !s.Revoked() {
			t.Errorf("code session after EndSession(%s) = %+v, want revoked", tc.name, s)
		}
		if s := f.session(t, pw.Session.ID); s.Revoked() {
			t.Errorf("password session after EndSession(%s) = %+v, want live", tc.name, s)
		}
		if got := f.audit(t, b.ID); len(got) != 2 || got[1] != "browser.logout/logout" {
			t.Errorf("audit of %s = %v, want browser.logout", b.ID, got)
		}
	}
}

// TestEndSessionWithoutCookie checks that a logout without a browser
// session still answers, and ends nothing.
func TestEndSessionWithoutCookie(t *testing.T) {
	f := newFixture(t, auth.Config{})
	newBrowserClients(t, f)
	for _, cookie := range []string{"", "rn_bs_unknown"} {
		got, err := f.svc.EndSession(context.Background(), auth.EndSessionRequest{Cookie: cookie, ClientID: "web", PostLogoutRedirectURI: webLogout})
		if err != nil || got != webLogout {
			t.Errorf("EndSession(cookie %q) = %q, %v; want %q", cookie, got, err, webLogout)
		}
	}
}
