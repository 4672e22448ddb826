package auth_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/token"
)

// TestAuthenticateClient: a confidential client needs its own secret, a
// public client none; every failure is the same invalid_client, whether
// the client is unknown or the secret wrong (RFC 6749 §5.2).
func TestAuthenticateClient(t *testing.T) {
	f := newFixture(t, auth.Config{})
	other, otherSecret := f.newClient(t, &store.Client{ID: "other", TenantID: f.tenant.ID})
	cases := []struct {
		name      string
		id        string
		secret    string
		hasSecret bool
		want      *store.Client // nil: invalid_client
	}{
		{"confidential, right secret", f.conf.ID, f.secret, true, f.conf},
		{"another confidential client, its secret", other.ID, otherSecret, true, other},
		{"confidential, wrong secret", f.conf.ID, "rn_cs_wrong", true, nil},
		{"confidential, another client's secret", f.conf.ID, otherSecret, true, nil},
		{"confidential, secret with a trailing space", f.conf.ID, f.secret + " ", true, nil},
		{"confidential, empty secret", f.conf.ID, "", true, nil},
		{"confidential, no secret", f.conf.ID, "", false, nil},
		{"confidential, right secret not flagged as sent", f.conf.ID, f.secret, false, nil},
		{"public, no secret", f.pub.ID, "", false, f.pub},
		{"public presenting a secret", f.pub.ID, f.secret, true, nil},
		{"public presenting an empty secret", f.pub.ID, "", true, nil},
		{"unknown client", "nobody", f.secret, true, nil},
		{"unknown client, no secret", "nobody", "", false, nil},
		{"empty client id", "", "", false, nil},
	}
	for _, tc := range cases {
		c, err := f.svc.AuthenticateClient(context.Background(), tc.id, tc.secret, tc.hasSecret)
		if tc.want != nil {
			if err != nil || c == nil || c.ID != tc.want.ID {
				t.Errorf("AuthenticateClient(%s) = %v, %v; want client %s", tc.name, c, err, tc.want.ID)
			}
			continue
		}
		ae := wantError(t, "AuthenticateClient("+tc.name+")", err, auth.InvalidClient, "")
		if c != nil || ae.Description != "client authentication failed" {
			t.Errorf("AuthenticateClient(%s) = %v, %q; want no client and the one shared answer", tc.name, c, ae.Description)
		}
	}
}

// TestClientCache: a client record is served from memory for two seconds
// of the service's clock, then read again, so a change reaches every
// replica that soon; the injected clock decides, not the wall clock.
func TestClientCache(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	auth1 := func() *store.Client {
		t.Helper()
		c, err := f.svc.AuthenticateClient(ctx, f.conf.ID, f.secret, true)
		if err != nil {
			t.Fatalf("AuthenticateClient = %v", err)
		}
		return c
	}
	start := f.clock.Now()
	if c := auth1(); c.APIKeyHash != "" {
		t.Fatalf("APIKeyHash = %q before any key", c.APIKeyHash)
	}
	key, err := f.svc.NewAPIKey(ctx, f.conf.ID) // changes the stored record
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		advance time.Duration
		fresh   bool
	}{
		{0, false},
		{time.Second, false},
		{999 * time.Millisecond, false},
		{time.Millisecond, true}, // two seconds after the first read
	}
	for _, s := range steps {
		f.clock.Advance(s.advance)
		c := auth1()
		if fresh := c.APIKeyHash == auth.HashClientSecret(key); fresh != s.fresh {
			t.Errorf("%v after the first read: record fresh = %v, want %v", f.clock.Now().Sub(start), fresh, s.fresh)
		}
	}
	if err := f.svc.RevokeAPIKey(ctx, f.conf.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(2 * time.Second)
	if c := auth1(); c.APIKeyHash != "" {
		t.Errorf("APIKeyHash = %q two seconds after the key was revoked, want none", c.APIKeyHash)
	}
}

// TestWrongGrant: a client may only use the grants it was given; any other
// is unauthorized_client whatever the credentials.
func TestWrongGrant(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	ccOnly, _ := f.newClient(t, &store.Client{ID: "cc-only", TenantID: f.tenant.ID, Grants: []string{"client_credentials"}})
	refreshOnly, _ := f.newClient(t, &store.Client{ID: "refresh-only", TenantID: f.tenant.ID, Grants: []string{"refresh_token"}})
	rt := f.login(t, f.conf).RefreshToken
	cases := []struct {
		name string
		call func() error
	}{
		{"password on a client_credentials client", func() error {
			_, _, err := f.svc.Login(ctx, auth.LoginRequest{Client: ccOnly, Username: userLogin, Password: userPass})
			return err
		}},
		{"password on a refresh-only client", func() error {
			_, _, err := f.svc.Login(ctx, auth.LoginRequest{Client: refreshOnly, Username: userLogin, Password: userPass})
			return err
		}},
		{"refresh_token on a client_credentials client", func() error {
			_, err := f.svc.Refresh(ctx, auth.RefreshRequest{Client: ccOnly, Token: rt})
			return err
		}},
		{"client_credentials on a public client", func() error {
			_, err := f.svc.ClientCredentials(ctx, f.pub, "")
			return err
		}},
		{"client_credentials on a refresh-only client", func() error {
			_, err := f.svc.ClientCredentials(ctx, refreshOnly, "")
			return err
		}},
	}
	for _, tc := range cases {
		wantError(t, tc.name, tc.call(), auth.UnauthorizedClient, "")
	}
	if _, err := f.refresh(rt); err != nil {
		t.Errorf("the token refused to another client: %v, want it still live", err)
	}
}

// TestClientCredentials: a confidential client gets an access token for
// itself (RFC 6749 §4.4): no refresh token, no session, its own scopes.
func TestClientCredentials(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	cases := []struct {
		name   string
		client *store.Client
		scope  string
		want   string // scope granted, or the error code
		alg    string
	}{
		{"all of the client's scopes", f.conf, "", "openid profile email", "ES256"},
		{"one scope", f.conf, "profile", "profile", "ES256"},
		{"scopes in the order asked, spaces folded", f.conf, " email  openid ", "email openid", "ES256"},
		{"a scope the client may not ask for", f.conf, "openid admin", auth.InvalidScope, ""},
		{"RS256 client", f.newAlgClient(t, "rs", "RS256"), "", "openid profile email", "RS256"},
		{"EdDSA client", f.newAlgClient(t, "ed", "EdDSA"), "openid", "openid", "EdDSA"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := f.svc.ClientCredentials(ctx, tc.client, tc.scope)
			if tc.alg == "" {
				wantError(t, "ClientCredentials", err, tc.want, "")
				return
			}
			if err != nil {
				t.Fatalf("ClientCredentials(%q) = %v", tc.scope, err)
			}
			if g.Scope != tc.want || g.RefreshToken != "" || g.Session != nil || g.TokenType != "Bearer" || g.ExpiresIn() != int64(accessTTL/time.Second) {
				t.Errorf("ClientCredentials(%q) = scope %q refresh %q session %v type %s expires in %d",
					tc.scope, g.Scope, g.RefreshToken, g.Session, g.TokenType, g.ExpiresIn())
			}
			var claims token.Claims
			if err := f.svc.Verifier().Parse(g.AccessToken, &claims, token.Options{}); err != nil {
				t.Fatalf("the access token does not verify: %v", err)
			}
			if claims.Subject != tc.client.ID || claims.ClientID != tc.client.ID || claims.SessionID != "" ||
				!slices.Equal(claims.Audience, []string{tc.client.ID}) || claims.Scope != tc.want || claims.Tenant != "demo" ||
				claims.Issuer != "https://renova.test" || claims.ID == "" {
				t.Errorf("claims = %+v", claims)
			}
			if alg := jwtAlg(t, g.AccessToken); alg != tc.alg {
				t.Errorf("signed with %s, want %s", alg, tc.alg)
			}
		})
	}
}

// newAlgClient creates a confidential client signing with alg.
func (f *fixture) newAlgClient(t *testing.T, id, alg string) *store.Client {
	c, _ := f.newClient(t, &store.Client{ID: id, TenantID: f.tenant.ID, Alg: alg})
	return c
}

// jwtAlg returns the alg of a JWT's header.
func jwtAlg(t *testing.T, jwt string) string {
	t.Helper()
	head, err := base64.RawURLEncoding.DecodeString(strings.Split(jwt, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h struct{ Alg string }
	if err := json.Unmarshal(head, &h); err != nil {
		t.Fatal(err)
	}
	return h.Alg
}

// TestNewClient: defaults are filled, a confidential client gets a secret
// stored only as a hash, and impossible clients are refused.
func TestNewClient(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	cases := []struct {
		name   string
		in     store.Client
		grants []string // want; nil when the client is refused
		idle   time.Duration
	}{
		{"confidential defaults", store.Client{}, []string{"password", "refresh_token", "client_credentials"}, auth.DefaultIdleTTL},
		{"public defaults", store.Client{Public: true}, []string{"password", "refresh_token"}, auth.DefaultIdleTTL},
		{"own grants", store.Client{Grants: []string{"client_credentials"}}, []string{"client_credentials"}, auth.DefaultIdleTTL},
		{"idle longer than absolute is cut", store.Client{IdleTTL: 48 * time.Hour, AbsoluteTTL: time.Hour}, []string{"password", "refresh_token", "client_credentials"}, time.Hour},
		{"unknown grant", store.Client{Grants: []string{"implicit"}}, nil, 0},
		{"unknown algorithm", store.Client{Alg: "HS256"}, nil, 0},
		{"public client with client_credentials", store.Client{Public: true, Grants: []string{"client_credentials"}}, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.in
			c.TenantID = f.tenant.ID
			sec, err := f.svc.NewClient(ctx, &c)
			if tc.grants == nil {
				wantError(t, "NewClient", err, auth.InvalidRequest, "")
				return
			}
			if err != nil {
				t.Fatalf("NewClient = %v", err)
			}
			got, err := f.st.GetClient(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got.ID, "cli_") || got.Alg != "ES256" || !slices.Equal(got.Grants, tc.grants) ||
				got.AccessTTL != auth.DefaultAccessTTL || got.IdleTTL != tc.idle || !got.CreatedAt.Equal(f.clock.Now()) {
				t.Errorf("stored client = %+v", *got)
			}
			if c.Public != (sec == "") || c.Public != (got.SecretHash == "") {
				t.Errorf("public %v: secret %q, stored hash %q", c.Public, sec, got.SecretHash)
			}
			if sec != "" && (!strings.HasPrefix(sec, "rn_cs_") || got.SecretHash != auth.HashClientSecret(sec) || strings.Contains(got.SecretHash, sec)) {
				t.Errorf("secret %.10s… stored as %q, want its hash only", sec, got.SecretHash)
			}
		})
	}
	_, err := f.svc.NewClient(ctx, &store.Client{ID: f.conf.ID, TenantID: f.tenant.ID})
	wantError(t, "NewClient(existing id)", err, auth.Conflict, "")
}

// TestAPIKey: a partner API key authenticates its client until it is
// replaced or revoked; unknown, replaced and revoked keys are the same
// invalid_client (HDI).
func TestAPIKey(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	first, err := f.svc.NewAPIKey(ctx, f.conf.ID)
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.svc.NewAPIKey(ctx, f.conf.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(second, "rn_ak_") || first == second {
		t.Fatalf("NewAPIKey = %.8s…, %.8s…; want two distinct rn_ak_ keys", first, second)
	}
	check := func(name, key string, ok bool) {
		t.Helper()
		c, err := f.svc.ClientByAPIKey(ctx, key)
		if ok {
			if err != nil || c.ID != f.conf.ID {
				t.Errorf("ClientByAPIKey(%s) = %v, %v; want %s", name, c, err, f.conf.ID)
			}
			return
		}
		wantError(t, "ClientByAPIKey("+name+")", err, auth.InvalidClient, "")
	}
	check("the current key", second, true)
	check("the replaced key", first, false)
	check("an empty key", "", false)
	check("an unknown key", "rn_ak_0000", false)
	if err := f.svc.RevokeAPIKey(ctx, f.conf.ID); err != nil {
		t.Fatal(err)
	}
	check("the revoked key", second, false)
	if _, err := f.svc.NewAPIKey(ctx, "nobody"); err == nil {
		t.Error("NewAPIKey(unknown client) = nil, want an error")
	}
}
