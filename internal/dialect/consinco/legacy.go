package consinco

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/legacy"
)

// upstream is the legacy Consinco system a mount replaces (issue 15). It
// sends the binding models this dialect decodes (refreshModel, loginModel:
// their JSON keys) and reads the TokenResponse this dialect encodes, in
// either spelling (tokenResponse.members), whose username, name and
// company identify the user.
type upstream struct {
	c       *legacy.Caller
	company string // the company a login names; "" for a refresh
}

// newLegacy returns the mount's legacy caller, nil when it has none.
func newLegacy(b dialect.Binding) *legacy.Caller {
	if b.Legacy == nil {
		return nil
	}
	return legacy.NewCaller(b.Legacy, nil)
}

// legacyFor is the mount's legacy system for one request (nil: none);
// company is what a login named.
func (s *Surface) legacyFor(company string) *auth.Legacy {
	if s.legacy == nil {
		return nil
	}
	return &auth.Legacy{Upstream: upstream{c: s.legacy, company: company}, Until: s.legacyUntil}
}

// Refresh presents a legacy refresh token to POST api/v1/auth/refresh-token.
func (u upstream) Refresh(ctx context.Context, tok string) (*auth.LegacyUser, error) {
	return u.call(ctx, "/api/v1/auth/refresh-token", refreshModel, map[string]string{"grant_type": grantRefresh, "refresh_token": tok})
}

// Login checks a password with POST api/v1/auth/login.
func (u upstream) Login(ctx context.Context, name, pw string) (*auth.LegacyUser, error) {
	return u.call(ctx, "/api/v1/auth/login", loginModel, map[string]string{"company": u.company, "username": name, "password": pw})
}

// call sends the model's JSON members and reads the user off the answer.
func (u upstream) call(ctx context.Context, path string, m model, in map[string]string) (*auth.LegacyUser, error) {
	body := map[string]string{}
	for _, f := range m.fields {
		if f.json != "" {
			body[f.json] = in[f.json]
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("%w: encode: %v", legacy.ErrUnavailable, err)
	}
	out, err := u.c.Do(ctx, legacy.Request{Method: http.MethodPost, Path: path, ContentType: "application/json", Body: b,
		Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return nil, err
	}
	return parseLegacy(out)
}

// parseLegacy reads a TokenResponse in either spelling.
func parseLegacy(body []byte) (*auth.LegacyUser, error) {
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		return nil, legacy.Garbage("the token answer is not a JSON object")
	}
	get := func(doc string) string {
		for _, m := range (&tokenResponse{}).members() {
			if m.doc != doc {
				continue
			}
			for _, sp := range []Spelling{Documented, BackingField} {
				if v, ok := obj[m.jsonName(sp)].(string); ok {
					return v
				}
			}
		}
		return ""
	}
	if get("access_token") == "" || get("username") == "" {
		return nil, legacy.Garbage("no access_token or username in the token answer")
	}
	return &auth.LegacyUser{Login: get("username"), Name: get("name"), Tenant: get("company")}, nil
}
