package hdi_test

import (
	"context"
	"github.com/renova-auth/renova/internal/auth"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// validBody returns a body the call would accept from p, so that a case's
// one change is what the answer is about.
func validBody(t *testing.T, p partner, call string) string {
	t.Helper()
	switch call {
	case "token":
		return codeBody(&p, p.code(t))
	case "tokenrenew":
		return renewBody(&p, p.jwt(t))
	}
	return appCode(&p)
}

// otherCompany creates a second tenant (code 2) with an HDI client and
// returns that client's API key.
func otherCompany(t *testing.T, env *apptest.Env) string {
	t.Helper()
	ctx := context.Background()
	ten := &auth.Tenant{ID: "ten_0000000000000000000000a2", Slug: "acme", Name: "Acme", Code: 2, CreatedAt: env.Clock.Now()}
	if err := env.App.Store.CreateTenant(ctx, ten); err != nil {
		t.Fatal(err)
	}
	c := &auth.Client{ID: "acme-hdi", TenantID: ten.ID, Name: "Acme partner", Public: true, Alg: "RS256", AppCode: "demo-app",
		Grants: []string{"refresh_token"}, AccessTTL: time.Hour, IdleTTL: 25 * time.Hour, Grace: 10 * time.Second}
	if _, err := env.App.Svc.NewClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	key, err := env.App.Svc.NewAPIKey(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// badCase is one bad request: change alters the partner, body (when set)
// replaces the valid body, edit rewrites it, ctype (when set) replaces the
// content type.
type badCase struct {
	name   string
	change func(p *partner)
	body   string
	edit   func(body string) string
	ctype  string
	status int
	code   string
	field  string
}

// TestBadInput sends each bad input of issue 7 to each of the three calls:
// each missing header, missing/wrong key, a key of another company or
// client, another company's X-Company-Id, a wrong applicationCode,
// malformed JSON, a wrong field type, an oversize body, a wrong media type.
func TestBadInput(t *testing.T) {
	p := newPartner(t, apptest.Options{})
	acmeKey := otherCompany(t, p.env)
	demoKey, err := p.env.App.Svc.NewAPIKey(context.Background(), "demo-client")
	if err != nil {
		t.Fatal(err)
	}
	huge := `{"applicationCode":"` + strings.Repeat("a", 70<<10) + `"}`
	cases := []badCase{
		{name: "missing X-Company-Id", change: func(p *partner) { p.company = "" }, status: 400, code: "missing_header", field: "X-Company-Id"},
		{name: "missing X-Application-Id", change: func(p *partner) { p.app = "" }, status: 400, code: "missing_header", field: "X-Application-Id"},
		{name: "missing X-User-Id", change: func(p *partner) { p.user = "" }, status: 400, code: "missing_header", field: "X-User-Id"},
		{name: "blank X-User-Id", change: func(p *partner) { p.user = "   " }, status: 400, code: "missing_header", field: "X-User-Id"},
		{name: "overlong X-User-Id", change: func(p *partner) { p.user = strings.Repeat("9", 129) }, status: 400, code: "invalid_header", field: "X-User-Id"},
		{name: "missing Content-Type", ctype: "-", status: 400, code: "missing_header", field: "Content-Type"},
		{name: "missing key", change: func(p *partner) { p.key = "" }, status: 401, code: "invalid_key"},
		{name: "wrong key", change: func(p *partner) { p.key = "rn_ak_" + strings.Repeat("0", 48) }, status: 401, code: "invalid_key"},
		{name: "key twice", change: func(p *partner) { p.key += "&key=" + p.key }, status: 400, code: "invalid_request", field: "key"},
		{name: "key of another company", change: func(p *partner) { p.key, p.company = acmeKey, "2" }, status: 403, code: "forbidden"},
		{name: "key of another company, our X-Company-Id", change: func(p *partner) { p.key = acmeKey }, status: 403, code: "forbidden"},
		{name: "key of another client", change: func(p *partner) { p.key = demoKey }, status: 403, code: "forbidden"},
		{name: "X-Company-Id of another company", change: func(p *partner) { p.company = "2" }, status: 403, code: "forbidden"},
		{name: "X-Company-Id unknown slug", change: func(p *partner) { p.company = "acme" }, status: 403, code: "forbidden"},
		{name: "wrong applicationCode", edit: func(b string) string { return strings.Replace(b, `"demo-app"`, `"testeApplicationCode"`, 1) }, status: 401, code: "invalid_application_code", field: "applicationCode"},
		{name: "malformed JSON", body: `{"applicationCode":"demo-app"`, status: 400, code: "invalid_request"},
		{name: "empty body", body: ``, status: 400, code: "invalid_request"},
		{name: "JSON array", body: `["demo-app"]`, status: 400, code: "invalid_request"},
		{name: "trailing data", body: `{"applicationCode":"demo-app"} {}`, status: 400, code: "invalid_request"},
		{name: "applicationCode twice", edit: func(b string) string { return strings.Replace(b, `{`, `{"applicationCode":"other",`, 1) }, status: 400, code: "invalid_request", field: "applicationCode"},
		{name: "applicationCode not a string", body: `{"applicationCode":["demo-app"]}`, status: 400, code: "invalid_request", field: "applicationCode"},
		{name: "missing applicationCode", body: `{"codeToken":"x","token":"x"}`, status: 400, code: "invalid_request", field: "applicationCode"},
		{name: "oversize body", body: huge, status: 413, code: "payload_too_large"},
		{name: "form body", ctype: "application/x-www-form-urlencoded", status: 415, code: "unsupported_media_type", field: "Content-Type"},
		{name: "XML body", ctype: "application/xml", status: 415, code: "unsupported_media_type", field: "Content-Type"},
	}
	for _, call := range []string{"authorize", "token", "tokenrenew"} {
		for _, tc := range cases {
			t.Run(call+"/"+tc.name, func(t *testing.T) {
				q := p
				body := tc.body
				if body == "" && tc.name != "empty body" {
					body = validBody(t, q, call)
				}
				if tc.edit != nil {
					body = tc.edit(body)
				}
				if tc.change != nil {
					tc.change(&q)
				}
				resp := q.send(t, call, tc.ctype, body)
				errorCode(t, call+" with "+tc.name, resp, tc.status, tc.code, "", tc.field)
			})
		}
	}
}

// send posts body with ctype ("" = application/json, "-" = none).
func (p partner) send(t *testing.T, call, ctype, body string) *apptest.Response {
	t.Helper()
	switch ctype {
	case "":
		ctype = "application/json"
	case "-":
		ctype = ""
	}
	return p.env.Post(t, p.path(call), ctype, body, p.header())
}

// TestRevokedKey: a revoked partner key is refused like an unknown one.
func TestRevokedKey(t *testing.T) {
	p := newPartner(t, apptest.Options{})
	body := validBody(t, p, "tokenrenew")
	if err := p.env.App.Svc.RevokeAPIKey(context.Background(), "hdi-client"); err != nil {
		t.Fatal(err)
	}
	errorCode(t, "tokenrenew with a revoked key", p.post(t, "tokenrenew", body), 401, "invalid_key", "", "")
}

// TestForeignTokens: tokenrenew refuses every token renova did not sign,
// whatever algorithm or kid it claims, and tokens of ours that are not
// renewable HDI tokens.
func TestForeignTokens(t *testing.T) {
	p := newPartner(t, apptest.Options{})
	tok := p.jwt(t)
	bad := forgeries(t, p, tok)
	bad["not a JWT"] = "abc"
	bad["a codeToken, not a JWT"] = p.code(t)
	bad["a standard access token of ours"] = p.standardToken(t)
	for name, forged := range bad {
		t.Run(name, func(t *testing.T) {
			errorCode(t, "tokenrenew with "+name, p.renew(t, forged), 401, "invalid_token", "untrusted", "")
		})
	}
	if resp := p.renew(t, tok); resp.Status != http.StatusOK {
		t.Errorf("tokenrenew with the genuine token after the forgeries = %d %s, want 200", resp.Status, resp.Body)
	}
}

// standardToken logs the demo admin in on /oauth2/token: a JWT we signed,
// but no HDI token.
func (p partner) standardToken(t *testing.T) string {
	t.Helper()
	form := "grant_type=password&username=" + p.env.Creds.AdminLogin + "&password=" + p.env.Creds.AdminPass +
		"&client_id=" + p.env.Creds.ClientID + "&client_secret=" + p.env.Creds.ClientSecret
	resp := p.env.Post(t, "/oauth2/token", "application/x-www-form-urlencoded", form, nil)
	if resp.Status != http.StatusOK {
		t.Fatalf("/oauth2/token = %d %s", resp.Status, resp.Body)
	}
	return field(t, resp, "access_token")
}
