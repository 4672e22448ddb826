package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The dialect surfaces: each is a small adapter, written against the
// dialect's doc (docs/dialects/<name>.md) and seed (shared/seeds): how its
// login is called, how its refresh request is built and how its answer is
// parsed. In embedded mode they log in to the demo tenant's default mount
// through the dialect's bootstrap client.

// icreditSurface is seed 000: JSON only; errors are NestJS HttpExceptions
// plus renova's reason.
var icreditSurface = &Surface{
	Name: "icredit", Client: "icredit-client",
	Login: func(ctx context.Context, t *Target, u User) (Tokens, Outcome) {
		req, err := t.jsonPost(t.Creds.Prefix+"/api/v1/auth/login", map[string]string{"username": u.Login, "password": u.Password})
		return t.call(ctx, req, err, parseOAuth)
	},
	Refresh: func(t *Target, tok Tokens) (*http.Request, error) {
		return t.jsonPost(t.Creds.Prefix+"/api/v1/auth/refresh", map[string]string{"refresh_token": tok.Refresh})
	},
	Parse: parseOAuth,
}

// consincoSurface is seed 001 in JSON with the documented field names.
var consincoSurface = &Surface{
	Name: "consinco", Client: "consinco-client",
	Login: func(ctx context.Context, t *Target, u User) (Tokens, Outcome) {
		req, err := t.jsonPost(t.Creds.Prefix+"/api/v1/auth/login", map[string]string{"company": t.Creds.Tenant, "username": u.Login, "password": u.Password})
		return t.call(ctx, req, err, parseOAuth)
	},
	Refresh: func(t *Target, tok Tokens) (*http.Request, error) {
		return t.jsonPost(t.Creds.Prefix+"/api/v1/auth/refresh-token", map[string]string{"refresh_token": tok.Refresh, "grant_type": "refresh_token"})
	},
	Parse: parseOAuth,
}

// formulacertaSurface is seed 002 in JSON: the refresh presents the old
// access token with its refresh token; every answer is a LoginResult.
var formulacertaSurface = &Surface{
	Name: "formulacerta", Client: "formulacerta-client",
	Login: func(ctx context.Context, t *Target, u User) (Tokens, Outcome) {
		req, err := t.jsonPost(t.Creds.Prefix+"/api/v2/account/login", map[string]string{"UserName": u.Login, "Password": u.Password})
		return t.call(ctx, req, err, parseLoginResult)
	},
	Refresh: func(t *Target, tok Tokens) (*http.Request, error) {
		return t.jsonPost(t.Creds.Prefix+"/api/v2/account/refreshtoken", map[string]string{"AccessTokenOld": tok.Access, "AccessTokenRefresh": tok.Refresh})
	},
	Parse: parseLoginResult,
}

// formulacertaReasons names FormulaCerta's ErrorCodes by renova's reasons
// (docs/dialects/formulacerta.md, "Errors").
var formulacertaReasons = map[int]string{1: "invalid_request", 2: "invalid_credentials", 3: "invalid access token",
	4: "reused", 5: "expired", 6: "session_revoked", 7: "session_mismatch", 8: "unknown_token", 9: "temporarily_unavailable",
	10: "unauthorized_client", 99: "server_error"}

// parseLoginResult reads FormulaCerta's LoginResult.
func parseLoginResult(status int, body []byte) (Tokens, string) {
	var a struct {
		AccessToken        string
		RefreshAccessToken string
		Succeeded          bool
		ErrorCode          int
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return Tokens{}, "unparsable body"
	}
	if status/100 == 2 && a.Succeeded {
		return Tokens{Access: a.AccessToken, Refresh: a.RefreshAccessToken}, ""
	}
	if r, ok := formulacertaReasons[a.ErrorCode]; ok {
		return Tokens{}, r
	}
	return Tokens{}, "ErrorCode " + strconv.Itoa(a.ErrorCode)
}

// hdiSurface is seed 003: authorize then token to log in, tokenrenew to
// refresh; the JWT's jti seals the session's live refresh token, which the
// inspector opens for the invariants.
var hdiSurface = &Surface{
	Name: "hdi", Client: "hdi-client",
	Login: func(ctx context.Context, t *Target, u User) (Tokens, Outcome) {
		req, err := t.hdiPost("authorize", u.Login, map[string]string{"applicationCode": t.Creds.AppCode})
		code, o := t.call(ctx, req, err, parseHDI)
		if !o.ok() {
			return code, o
		}
		req, err = t.hdiPost("token", u.Login, map[string]string{"codeToken": code.Refresh, "applicationCode": t.Creds.AppCode})
		tok, o := t.call(ctx, req, err, parseHDI)
		tok.User = u.Login
		return tok, o
	},
	Refresh: func(t *Target, tok Tokens) (*http.Request, error) {
		return t.hdiPost("tokenrenew", tok.User, map[string]string{"token": tok.Access, "applicationCode": t.Creds.AppCode})
	},
	Parse: parseHDI,
}

// parseHDI reads {"codeToken"} or {"token"}, or {"code","reason"}. For a
// JWT, Refresh is its jti: the session's live refresh token, sealed.
func parseHDI(status int, body []byte) (Tokens, string) {
	var a struct {
		CodeToken string `json:"codeToken"`
		Token     string `json:"token"`
		Code      string `json:"code"`
		Reason    string `json:"reason"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return Tokens{}, "unparsable body"
	}
	if status/100 != 2 {
		if a.Reason != "" {
			return Tokens{}, a.Reason
		}
		return Tokens{}, a.Code
	}
	if a.CodeToken != "" {
		return Tokens{Refresh: a.CodeToken}, ""
	}
	return Tokens{Access: a.Token, Refresh: jwtID(a.Token)}, ""
}

// jwtID reads the jti claim of a JWT without verifying it (the bench
// only needs to know which refresh token the server bound into it).
func jwtID(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		ID string `json:"jti"`
	}
	_ = json.Unmarshal(b, &c)
	return c.ID
}

// jsonPost builds a JSON POST to path on the target.
func (t *Target) jsonPost(path string, body any) (*http.Request, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, t.URL+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// hdiPost builds a call of HDI's corporate/security/v1 with the partner
// key and the headers every call needs.
func (t *Target) hdiPost(call, user string, body any) (*http.Request, error) {
	req, err := t.jsonPost(t.Creds.Prefix+"/corporate/security/v1/"+call+"?key="+t.Creds.APIKey, body)
	if err != nil {
		return nil, err
	}
	company := t.Creds.Tenant // the slug is accepted too
	if t.Creds.TenantCode != 0 {
		company = strconv.FormatInt(t.Creds.TenantCode, 10)
	}
	req.Header.Set("X-Company-Id", company)
	req.Header.Set("X-Application-Id", "bench")
	req.Header.Set("X-User-Id", user)
	return req, nil
}

// call sends a request that may have failed to build.
func (t *Target) call(ctx context.Context, req *http.Request, err error, parse func(int, []byte) (Tokens, string)) (Tokens, Outcome) {
	if err != nil {
		return Tokens{}, Outcome{Reason: fmt.Sprintf("build request: %v", err)}
	}
	return t.exchange(ctx, req, parse)
}
