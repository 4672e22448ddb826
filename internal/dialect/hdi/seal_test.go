package hdi_test

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/dialect/hdi"
	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/token"
)

// refreshToken matches a refresh token's wire form anywhere.
var refreshToken = regexp.MustCompile(`rn_rt_[A-Za-z0-9_-]{20,}`)

// backends runs f on SQLite and, where RENOVA_TEST_DATABASE_URL is set,
// on PostgreSQL.
func backends(t *testing.T, f func(t *testing.T, opt apptest.Options)) {
	t.Run("sqlite", func(t *testing.T) { f(t, apptest.Options{}) })
	t.Run("postgres", func(t *testing.T) { f(t, apptest.Options{DatabaseURL: apptest.PostgresURL(t)}) })
}

// noRefreshToken fails when the decoded header or claims of tok, or tok
// itself, contain a refresh token or the body of one of known.
func noRefreshToken(t *testing.T, what, tok string, known ...string) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("%s: %q is not a compact JWS", what, tok)
	}
	texts := []string{tok}
	for _, seg := range parts[:2] {
		b, err := base64.RawURLEncoding.DecodeString(seg)
		if err != nil {
			t.Fatalf("%s: segment %q: %v", what, seg, err)
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		if refreshToken.MatchString(s) || strings.Contains(s, "rn_rt_") {
			t.Errorf("%s reveals a refresh token: %s", what, s)
		}
		for _, k := range known {
			if body := strings.TrimPrefix(k, "rn_rt_"); strings.Contains(s, body[:20]) {
				t.Errorf("%s contains the body of refresh token %s…", what, k[:12])
			}
		}
	}
}

// TestJWTRevealsNoRefreshToken: issue 14, "the HDI JWT carries the live
// refresh token as jti". The JWT of /token, of /tokenrenew and of a
// grace-window replay decode to no refresh token (rn_rt_…) at all; the
// jti is opaque and redeems nothing at the standard /oauth2/token; and the
// renewal contract is unchanged: one renewal rotates, a replay inside the
// grace window gets the same JWT, a later renewal of the same JWT is reuse
// and revokes the chain.
func TestJWTRevealsNoRefreshToken(t *testing.T) {
	backends(t, func(t *testing.T, opt apptest.Options) {
		p := newPartner(t, opt)
		code := p.code(t)
		resp := p.exchange(t, code)
		if resp.Status != http.StatusOK {
			t.Fatalf("token = %d %s", resp.Status, resp.Body)
		}
		first := field(t, resp, "token")
		noRefreshToken(t, "the JWT of /token", first, code)
		jti := claim(t, first, "jti").(string)
		if strings.HasPrefix(jti, "rn_") || jti == claim(t, first, "sid") {
			t.Errorf("jti %q is not opaque", jti)
		}
		std := p.env.Post(t, "/oauth2/token", "application/x-www-form-urlencoded",
			"grant_type=refresh_token&client_id=hdi-client&refresh_token="+jti, nil)
		if std.Status == http.StatusOK {
			t.Errorf("/oauth2/token with the jti = 200 %s, want a refusal", std.Body)
		}

		p.env.Clock.Advance(time.Hour + time.Minute) // expired, inside the renewal window
		a := p.renew(t, first)
		if a.Status != http.StatusOK {
			t.Fatalf("tokenrenew = %d %s, want 200", a.Status, a.Body)
		}
		second := field(t, a, "token")
		noRefreshToken(t, "the renewed JWT", second, code)
		if claim(t, second, "jti") == jti || claim(t, second, "sid") != claim(t, first, "sid") {
			t.Errorf("renewed JWT: want a new jti in the same session")
		}
		p.env.Clock.Advance(5 * time.Second)
		if b := p.renew(t, first); b.Status != http.StatusOK || string(b.Body) != string(a.Body) {
			t.Errorf("tokenrenew again in the grace window = %d %s, want the same JWT", b.Status, b.Body)
		}
		p.env.Clock.Advance(6 * time.Second) // past the 10 s grace window
		errorCode(t, "tokenrenew(first again)", p.renew(t, first), 401, "invalid_token", "reused", "")
		errorCode(t, "tokenrenew(newest of the revoked chain)", p.renew(t, second), 401, "invalid_token", "session_revoked", "")
	})
}

// TestSealedJTIOpensOnlyHere: a jti that is not ours (one character changed, and
// signed with the server's own key, so only the seal can refuse it) is
// malformed and spends nothing; RefreshTokenOf gives the bench the live
// refresh token behind a jti, which the server then rotates.
func TestSealedJTIOpensOnlyHere(t *testing.T) {
	p := newPartner(t, apptest.Options{})
	tok := p.jwt(t)
	jti := claim(t, tok, "jti").(string)
	flipped := []byte(jti)
	if m := len(flipped) / 2; flipped[m] == 'A' {
		flipped[m] = 'B'
	} else {
		flipped[m] = 'A'
	}
	bad := resign(t, p, tok, map[string]any{"jti": string(flipped)})
	errorCode(t, "tokenrenew(flipped jti)", p.renew(t, bad), 401, "invalid_token", "malformed", "")
	rt, err := hdi.RefreshTokenOf(p.env.App.Svc, jti)
	if err != nil || !refreshToken.MatchString(rt) {
		t.Fatalf("RefreshTokenOf(jti) = %q, %v; want a refresh token", rt, err)
	}
	if _, err := hdi.RefreshTokenOf(p.env.App.Svc, string(flipped)); err == nil {
		t.Error("RefreshTokenOf(flipped) = nil error")
	}
	if resp := p.renew(t, tok); resp.Status != http.StatusOK {
		t.Errorf("tokenrenew(the real token) = %d %s, want 200", resp.Status, resp.Body)
	}
}

// resign signs the claims of tok, with edits, under the server's own
// current RS256 key: what only the server (or its key) can produce.
func resign(t *testing.T, p partner, tok string, edits map[string]any) string {
	t.Helper()
	h, c := segments(t, tok)
	for k, v := range edits {
		c[k] = v
	}
	signer, err := p.env.App.Ring.Current(keys.RS256)
	if err != nil {
		t.Fatal(err)
	}
	s, err := token.Mint(signer, jwt.MapClaims(c), map[string]any{"kid": h["kid"], "typ": "JWT"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
