package formulacerta

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/legacy"
	"github.com/renova-auth/renova/internal/secret"
)

// upstream is the legacy FormulaCerta system a mount replaces (issue 15).
// It sends the binding models this dialect decodes (refreshModel,
// loginModel: the same member names) and reads the LoginResult it encodes
// (jsonResult). The seed's answer names no user: ClienteId is the company
// (the tenant's code), and the user is read from the legacy access token's
// claims, a JWT the legacy system just issued over TLS (not verified:
// renova has no key for it).
type upstream struct {
	c   *legacy.Caller
	old string // the request's AccessTokenOld, sent along as the seed asks
}

// newLegacy returns the mount's legacy caller, nil when it has none.
func newLegacy(b dialect.Binding) *legacy.Caller {
	if b.Legacy == nil {
		return nil
	}
	return legacy.NewCaller(b.Legacy, nil)
}

// legacyFor is the mount's legacy system for one request (nil: none).
func (s *Surface) legacyFor(old string) *auth.Legacy {
	if s.legacy == nil {
		return nil
	}
	return &auth.Legacy{Upstream: upstream{c: s.legacy, old: old}, Until: s.b.Legacy.Until}
}

// adoptable reports whether a refresh may skip the AccessTokenOld check:
// the mount has a legacy system and the refresh token is not renova's, so
// the old access token is the legacy system's, which renova cannot verify.
// The rotation rules still hold for the token itself.
func (s *Surface) adoptable(refreshToken string) bool {
	return s.legacy != nil && !strings.HasPrefix(refreshToken, secret.Prefix)
}

// Refresh presents the legacy pair to POST api/v2/account/refreshtoken.
func (u upstream) Refresh(ctx context.Context, tok string) (*auth.LegacyUser, error) {
	res, err := u.call(ctx, "refreshtoken", map[string]string{"AccessTokenOld": u.old, "AccessTokenRefresh": tok})
	if err != nil {
		return nil, err
	}
	login := claim(*res.AccessToken, "preferred_username", "unique_name", "email", "sub")
	if login == "" {
		return nil, legacy.Garbage("no user claim in the legacy access token")
	}
	return &auth.LegacyUser{Login: login, TenantCode: res.ClienteID}, nil
}

// Login checks a password with POST api/v2/account/login.
func (u upstream) Login(ctx context.Context, name, pw string) (*auth.LegacyUser, error) {
	field := "UserName"
	if strings.Contains(name, "@") {
		field = "Email"
	}
	res, err := u.call(ctx, "login", map[string]string{field: name, "Password": pw})
	if err != nil {
		return nil, err
	}
	id := &auth.LegacyUser{Login: name, TenantCode: res.ClienteID}
	if field == "Email" {
		id.Email = name
	}
	return id, nil
}

// call posts a binding model as JSON and reads a successful LoginResult.
func (u upstream) call(ctx context.Context, path string, in map[string]string) (*jsonResult, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("%w: encode: %v", legacy.ErrUnavailable, err)
	}
	out, err := u.c.Do(ctx, legacy.Request{Method: http.MethodPost, Path: "/api/v2/account/" + path, ContentType: "application/json",
		Body: b, Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return nil, err
	}
	var res jsonResult
	if json.Unmarshal(out, &res) != nil || !res.Succeeded || res.AccessToken == nil || *res.AccessToken == "" {
		return nil, legacy.Garbage("no successful LoginResult")
	}
	return &res, nil
}

// claim returns the first non-empty string claim of a JWT's payload.
func claim(jwt string, names ...string) string {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err != nil || json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	for _, n := range names {
		if v, ok := claims[n].(string); ok && v != "" {
			return v
		}
	}
	return ""
}
