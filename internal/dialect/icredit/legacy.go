package icredit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/legacy"
)

// upstream is the legacy iCredit system a mount replaces (issue 15): it
// speaks the same wire shape this dialect serves, with the same types
// (refreshRequest, loginRequest, tokenResponse, profile), in the other
// direction. The user is who GET users/me says the new access token
// belongs to.
type upstream struct{ c *legacy.Caller }

// newLegacy returns the mount's legacy system, nil when it has none.
func newLegacy(b dialect.Binding) *auth.Legacy {
	if b.Legacy == nil {
		return nil
	}
	return &auth.Legacy{Upstream: upstream{legacy.NewCaller(b.Legacy, nil)}, Until: b.Legacy.Until}
}

// Refresh presents a legacy refresh token to POST auth/refresh.
func (u upstream) Refresh(ctx context.Context, tok string) (*auth.LegacyUser, error) {
	return u.session(ctx, pathRefresh, refreshRequest{RefreshToken: tok})
}

// Login checks a password with POST auth/login.
func (u upstream) Login(ctx context.Context, name, pw string) (*auth.LegacyUser, error) {
	return u.session(ctx, pathLogin, loginRequest{Username: name, Password: pw})
}

// session makes the call, then asks users/me who the access token it
// answered belongs to.
func (u upstream) session(ctx context.Context, path string, req any) (*auth.LegacyUser, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("%w: encode: %v", legacy.ErrUnavailable, err)
	}
	out, err := u.c.Do(ctx, legacy.Request{Method: http.MethodPost, Path: path, ContentType: "application/json", Body: body,
		Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return nil, err
	}
	var tr tokenResponse
	if json.Unmarshal(out, &tr) != nil || tr.AccessToken == "" {
		return nil, legacy.Garbage("no access_token in the token answer")
	}
	return u.me(ctx, tr.AccessToken)
}

// me reads the profile of an access token the legacy system just issued.
// A refusal here is a fault, not a dead token: the token call succeeded.
func (u upstream) me(ctx context.Context, access string) (*auth.LegacyUser, error) {
	out, err := u.c.Do(ctx, legacy.Request{Method: http.MethodGet, Path: pathMe,
		Header: http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + access}}})
	if errors.Is(err, legacy.ErrRejected) {
		return nil, legacy.Garbage("users/me refused the fresh access token")
	}
	if err != nil {
		return nil, err
	}
	var p profile
	if json.Unmarshal(out, &p) != nil || (p.Username == "" && p.Email == "") {
		return nil, legacy.Garbage("no username or email in users/me")
	}
	return &auth.LegacyUser{Login: p.Username, Email: p.Email, Name: p.Name, Tenant: p.Tenant.Slug, TenantCode: p.Tenant.Code}, nil
}
