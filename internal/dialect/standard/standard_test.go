package standard_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"github.com/renova-auth/renova/internal/auth"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/crypto/bcrypt"

	"github.com/renova-auth/renova/internal/apptest"
)

// TestAccessTokenVerifiesWithIndependentLibrary fetches the JWKS over HTTP
// and verifies an issued access token with go-jose, a JOSE library renova
// does not use to sign, for each signing algorithm.
func TestAccessTokenVerifiesWithIndependentLibrary(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	for _, alg := range []string{"ES256", "RS256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			c := &auth.Client{ID: "c-" + alg, TenantID: tenantID(t, env), Public: true, Alg: alg, Scopes: []string{"openid"},
				Grants: []string{"password", "refresh_token"}}
			if _, err := env.App.Svc.NewClient(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			r := post(t, env, "/oauth2/token", url.Values{"grant_type": {"password"}, "client_id": {c.ID},
				"username": {env.Creds.AdminLogin}, "password": {env.Creds.AdminPass}}, false)
			at := decode(t, r).AccessToken
			set := fetchJWKS(t, env)
			tok, err := josejwt.ParseSigned(at, []jose.SignatureAlgorithm{jose.ES256, jose.RS256, jose.EdDSA})
			if err != nil {
				t.Fatal(err)
			}
			h := tok.Headers[0]
			if h.Algorithm != alg {
				t.Errorf("alg = %s, want %s", h.Algorithm, alg)
			}
			keys := set.Key(h.KeyID)
			if len(keys) != 1 {
				t.Fatalf("kid %s found %d times in the JWKS", h.KeyID, len(keys))
			}
			var claims josejwt.Claims
			var extra map[string]any
			if err := tok.Claims(keys[0].Key, &claims, &extra); err != nil {
				t.Fatalf("signature does not verify against the JWKS: %v", err)
			}
			err = claims.ValidateWithLeeway(josejwt.Expected{Issuer: "http://renova.test", AnyAudience: josejwt.Audience{c.ID},
				Time: env.Clock.Now()}, 0)
			if err != nil {
				t.Errorf("claims: %v", err)
			}
			for _, k := range []string{"sid", "client_id", "scope", "tenant", "jti", "nbf"} {
				if extra[k] == nil {
					t.Errorf("claim %q missing", k)
				}
			}
			if exp := claims.Expiry.Time().Sub(claims.IssuedAt.Time()); exp != 15*time.Minute {
				t.Errorf("lifetime = %v, want 15m", exp)
			}
		})
	}
}

func fetchJWKS(t *testing.T, env *apptest.Env) jose.JSONWebKeySet {
	t.Helper()
	resp, err := env.HTTP.Get(env.URL + "/oauth2/jwks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	for _, k := range set.Keys {
		if _, private := k.Key.(*ecdsa.PrivateKey); private || !k.IsPublic() {
			t.Fatalf("JWKS leaks a private key: %s", k.KeyID)
		}
	}
	return set
}

// TestKeyRotationKeepsTokensVerifiable: the next key is in the JWKS before
// it signs, and the retired key stays after.
func TestKeyRotationKeepsTokensVerifiable(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	before := login(t, env).AccessToken
	published := fetchJWKS(t, env) // what a verifier cached before the rotation
	if err := env.App.Ring.ForceRotate(context.Background(), "ES256"); err != nil {
		t.Fatal(err)
	}
	after := login(t, env).AccessToken
	for name, at := range map[string]string{"before": before, "after": after} {
		tok, _ := josejwt.ParseSigned(at, []jose.SignatureAlgorithm{jose.ES256})
		keys := published.Key(tok.Headers[0].KeyID)
		if len(keys) != 1 {
			t.Fatalf("token signed %s rotation uses kid %s, absent from the JWKS cached before it", name, tok.Headers[0].KeyID)
		}
		var c josejwt.Claims
		if err := tok.Claims(keys[0].Key, &c); err != nil {
			t.Errorf("token signed %s rotation: %v", name, err)
		}
	}
}

// TestBadInput is issue 2's bad-input table: never a 500 for a client's
// mistake, always an RFC 6749 §5.2 error.
func TestBadInput(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	good := login(t, env)
	other := &auth.Client{ID: "other", TenantID: tenantID(t, env), Public: true, Grants: []string{"password", "refresh_token"}}
	if _, err := env.App.Svc.NewClient(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	otherRT := publicLogin(t, env, "other")
	revoked := login(t, env)
	post(t, env, "/oauth2/revoke", url.Values{"token": {revoked.RefreshToken}}, true)
	basic := "Basic " + basicAuth(env.Creds.ClientID, env.Creds.ClientSecret)
	form := "application/x-www-form-urlencoded"
	cases := []struct {
		name, ctype, body, auth string
		status                  int
		err, reason             string
	}{
		{"missing grant_type", form, "refresh_token=x", basic, 400, "invalid_request", ""},
		{"duplicate grant_type", form, "grant_type=refresh_token&grant_type=password&refresh_token=" + good.RefreshToken, basic, 400, "invalid_request", ""},
		{"unknown grant", form, "grant_type=urn:foo", basic, 400, "unsupported_grant_type", ""},
		{"json body", "application/json", `{"grant_type":"refresh_token"}`, basic, 400, "invalid_request", ""},
		{"no content type", "", "grant_type=refresh_token", basic, 400, "invalid_request", ""},
		{"malformed form", form, "grant_type=%zz", basic, 400, "invalid_request", ""},
		{"missing refresh_token", form, "grant_type=refresh_token", basic, 400, "invalid_request", ""},
		{"missing password", form, "grant_type=password&username=admin", basic, 400, "invalid_request", ""},
		{"wrong client secret", form, "grant_type=refresh_token&refresh_token=" + good.RefreshToken, "Basic " + basicAuth(env.Creds.ClientID, "nope"), 401, "invalid_client", ""},
		{"unknown client", form, "grant_type=client_credentials", "Basic " + basicAuth("ghost", "x"), 401, "invalid_client", ""},
		{"two auth methods", form, "grant_type=client_credentials&client_secret=x", basic, 400, "invalid_request", ""},
		{"no client auth", form, "grant_type=client_credentials", "", 401, "invalid_client", ""},
		{"bearer instead of basic", form, "grant_type=client_credentials", "Bearer x", 401, "invalid_client", ""},
		{"token of another client", form, "grant_type=refresh_token&refresh_token=" + otherRT, basic, 400, "invalid_grant", "client_mismatch"},
		{"wrong prefix", form, "grant_type=refresh_token&refresh_token=xx_rt_" + good.RefreshToken[6:], basic, 400, "invalid_grant", "malformed"},
		{"bad checksum", form, "grant_type=refresh_token&refresh_token=" + good.RefreshToken[:49] + "AAAAAA", basic, 400, "invalid_grant", "malformed"},
		{"unknown token", form, "grant_type=refresh_token&refresh_token=" + forge(t), basic, 400, "invalid_grant", "unknown_token"},
		{"revoked", form, "grant_type=refresh_token&refresh_token=" + revoked.RefreshToken, basic, 400, "invalid_grant", "session_revoked"},
		{"scope too wide", form, "grant_type=refresh_token&scope=admin&refresh_token=" + good.RefreshToken, basic, 400, "invalid_scope", ""},
		{"oversize body", form, "grant_type=password&username=" + strings.Repeat("a", 70<<10), basic, 413, "invalid_request", ""},
	}
	for _, tc := range cases {
		h := http.Header{}
		if tc.auth != "" {
			h.Set("Authorization", tc.auth)
		}
		r := env.Post(t, "/oauth2/token", tc.ctype, tc.body, h)
		v := decode(t, r)
		if r.Status != tc.status || v.Error != tc.err || v.Reason != tc.reason {
			t.Errorf("%s: %d %s; want %d %s reason %q", tc.name, r.Status, r.Body, tc.status, tc.err, tc.reason)
		}
		if tc.status == 401 && r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tc.name)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", tc.name, r.Header.Get("Cache-Control"))
		}
	}
	// The good token survived every bad attempt above.
	if code, _ := refresh(t, env, good.RefreshToken); code != 200 {
		t.Errorf("good token after the bad-input table = %d, want 200", code)
	}
}

// TestOversizeBodyNotRead: a declared Content-Length over 64 KiB is refused
// before the body is read.
func TestOversizeBodyNotRead(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest("POST", env.URL+"/oauth2/token", pr)
	req.ContentLength = 1 << 30 // a gigabyte that is never sent
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	go pw.Write([]byte("grant_type=password&")) // a few bytes, then nothing
	resp, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("1 GiB declared body = %d, want 413", resp.StatusCode)
	}
}

// TestUnknownUserLooksLikeWrongPassword: same status, same body.
func TestUnknownUserLooksLikeWrongPassword(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	try := func(user, pw string) *apptest.Response {
		return post(t, env, "/oauth2/token", url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}}, true)
	}
	disabled := &auth.User{TenantID: tenantID(t, env), Login: "gone"}
	if err := env.App.Svc.NewUser(context.Background(), disabled, "password-1"); err != nil {
		t.Fatal(err)
	}
	if err := env.App.Svc.DisableUser(context.Background(), disabled.ID, apptestMeta); err != nil {
		t.Fatal(err)
	}
	wrong := try(env.Creds.AdminLogin, "not-the-password")
	for name, r := range map[string]*apptest.Response{"unknown user": try("nobody", "x"), "disabled user": try("gone", "password-1")} {
		if r.Status != wrong.Status || string(r.Body) != string(wrong.Body) {
			t.Errorf("%s = %d %s; wrong password = %d %s: must be identical", name, r.Status, r.Body, wrong.Status, wrong.Body)
		}
	}
}

// TestStandardFlows covers client_credentials, introspection, revocation
// and discovery.
func TestStandardFlows(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	cc := decode(t, post(t, env, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"openid"}}, true))
	if cc.AccessToken == "" || cc.RefreshToken != "" || cc.Scope != "openid" {
		t.Errorf("client_credentials = %+v; want an access token, no refresh token", cc)
	}
	g := login(t, env)
	introspect := func(tok string) map[string]any {
		var m map[string]any
		json.Unmarshal(post(t, env, "/oauth2/introspect", url.Values{"token": {tok}}, true).Body, &m)
		return m
	}
	for name, tok := range map[string]string{"access": g.AccessToken, "refresh": g.RefreshToken} {
		if m := introspect(tok); m["active"] != true || m["client_id"] != env.Creds.ClientID {
			t.Errorf("introspect %s = %v, want active", name, m)
		}
	}
	if m := introspect("garbage"); m["active"] != false || len(m) != 1 {
		t.Errorf("introspect garbage = %v, want only active:false", m)
	}
	if r := post(t, env, "/oauth2/revoke", url.Values{"token": {g.AccessToken}}, true); r.Status != 200 {
		t.Fatalf("revoke = %d %s", r.Status, r.Body)
	}
	for name, tok := range map[string]string{"access": g.AccessToken, "refresh": g.RefreshToken} {
		if m := introspect(tok); m["active"] != false {
			t.Errorf("introspect %s after revoking the session = %v, want inactive", name, m)
		}
	}
	if code, v := refresh(t, env, g.RefreshToken); code != 400 || v.Reason != "session_revoked" {
		t.Errorf("refresh after revoke = %d %+v", code, v)
	}
	if r := post(t, env, "/oauth2/revoke", url.Values{"token": {"unknown"}}, true); r.Status != 200 {
		t.Errorf("revoke unknown token = %d, want 200 (RFC 7009 §2.2)", r.Status)
	}
	var meta map[string]any
	resp, _ := env.HTTP.Get(env.URL + "/.well-known/openid-configuration")
	json.NewDecoder(resp.Body).Decode(&meta)
	resp.Body.Close()
	if meta["token_endpoint"] != "http://renova.test/oauth2/token" || meta["authorization_endpoint"] != "http://renova.test/oauth2/authorize" {
		t.Errorf("discovery = %v; want the token and authorization endpoints", meta)
	}
}

// TestLoginThrottle: after 10 failed logins of one account from one IP,
// further attempts (even with the right password) get a retryable 503 until
// the window passes; other accounts are unaffected.
func TestLoginThrottle(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	try := func(user, pw string) (*apptest.Response, tokenResp) {
		r := post(t, env, "/oauth2/token", url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}}, true)
		return r, decode(t, r)
	}
	for i := range 10 {
		if r, v := try(env.Creds.AdminLogin, "wrong"); r.Status != 400 || v.Error != "invalid_grant" {
			t.Fatalf("failure %d = %d %+v", i, r.Status, v)
		}
	}
	r, v := try(env.Creds.AdminLogin, env.Creds.AdminPass)
	// Retry-After is the lockout's real remaining wait (up to 15 minutes),
	// not a token "1" that would make clients hammer the endpoint (the core
	// rounds the wait and adds a second).
	if ra, _ := strconv.Atoi(r.Header.Get("Retry-After")); r.Status != 503 || v.Reason != "throttled" || ra < 60 || ra > 901 {
		t.Errorf("11th attempt = %d %+v (Retry-After %q); want 503 throttled with Retry-After in [60, 901]", r.Status, v, r.Header.Get("Retry-After"))
	}
	if r, _ := try("someone-else", "x"); r.Status != 400 {
		t.Errorf("another account while admin is throttled = %d, want the usual 400", r.Status)
	}
	env.Clock.Advance(15 * time.Minute)
	if r, v := try(env.Creds.AdminLogin, env.Creds.AdminPass); r.Status != 200 {
		t.Errorf("after the window = %d %+v, want 200", r.Status, v)
	}
}

// TestBcryptImportRehashed: a user imported with a legacy bcrypt hash logs
// in and leaves with an argon2id hash.
func TestBcryptImportRehashed(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	legacy, _ := bcrypt.GenerateFromPassword([]byte("legacy-password"), bcrypt.MinCost)
	u := &auth.User{TenantID: tenantID(t, env), Login: "old", PasswordHash: string(legacy)}
	if err := env.App.Svc.NewUser(context.Background(), u, ""); err != nil {
		t.Fatal(err)
	}
	r := post(t, env, "/oauth2/token", url.Values{"grant_type": {"password"}, "username": {"old"}, "password": {"legacy-password"}}, true)
	if r.Status != 200 {
		t.Fatalf("login with a bcrypt hash = %d %s", r.Status, r.Body)
	}
	got, err := env.App.Store.GetUser(context.Background(), u.ID)
	if err != nil || !strings.HasPrefix(got.PasswordHash, "$argon2id$") {
		t.Errorf("hash after login = %.12q, %v; want argon2id", got.PasswordHash, err)
	}
	if r := post(t, env, "/oauth2/token", url.Values{"grant_type": {"password"}, "username": {"old"}, "password": {"legacy-password"}}, true); r.Status != 200 {
		t.Errorf("second login (argon2id now) = %d", r.Status)
	}
}
