package hdi_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/apptest"
)

// goldenCase is one exchange written to testdata/<name>.txtar. prep may
// change the partner and move the clock, and returns the request body.
type goldenCase struct {
	name  string
	call  string
	ctype string // default application/json
	prep  func(t *testing.T, p *partner) string
}

func appCode(p *partner) string { return jsonBody(map[string]string{"applicationCode": p.appCode}) }

func codeBody(p *partner, code string) string {
	return jsonBody(map[string]string{"codeToken": code, "applicationCode": p.appCode})
}

func renewBody(p *partner, tok string) string {
	return jsonBody(map[string]string{"token": tok, "applicationCode": p.appCode})
}

// goldenCases cover the three calls of seed 003 and their errors.
var goldenCases = []goldenCase{
	{name: "authorize_ok", call: "authorize", prep: func(t *testing.T, p *partner) string { return appCode(p) }},
	{name: "authorize_missing_key", call: "authorize", prep: func(t *testing.T, p *partner) string { p.key = ""; return appCode(p) }},
	{name: "authorize_unknown_key", call: "authorize", prep: func(t *testing.T, p *partner) string { p.key = "not-a-key"; return appCode(p) }},
	{name: "authorize_missing_user", call: "authorize", prep: func(t *testing.T, p *partner) string { p.user = ""; return appCode(p) }},
	{name: "authorize_other_company", call: "authorize", prep: func(t *testing.T, p *partner) string { p.company = "2"; return appCode(p) }},
	{name: "authorize_wrong_content_type", call: "authorize", ctype: "text/plain", prep: func(t *testing.T, p *partner) string { return appCode(p) }},
	{name: "authorize_malformed_json", call: "authorize", prep: func(t *testing.T, p *partner) string { return `{"applicationCode":` }},
	{name: "authorize_wrong_type", call: "authorize", prep: func(t *testing.T, p *partner) string { return `{"applicationCode":42}` }},
	{name: "authorize_wrong_application_code", call: "authorize", prep: func(t *testing.T, p *partner) string {
		p.appCode = "testeApplicationCode"
		return appCode(p)
	}},
	{name: "token_ok", call: "token", prep: func(t *testing.T, p *partner) string { return codeBody(p, p.code(t)) }},
	{name: "token_missing_code_token", call: "token", prep: func(t *testing.T, p *partner) string { return appCode(p) }},
	{name: "token_malformed_code", call: "token", prep: func(t *testing.T, p *partner) string { return codeBody(p, "rn_rt_nonsense") }},
	{name: "token_code_reused", call: "token", prep: func(t *testing.T, p *partner) string {
		code := p.code(t)
		p.exchange(t, code)
		return codeBody(p, code)
	}},
	{name: "token_code_expired", call: "token", prep: func(t *testing.T, p *partner) string {
		code := p.code(t)
		p.env.Clock.Advance(61 * time.Second)
		return codeBody(p, code)
	}},
	{name: "token_code_other_user", call: "token", prep: func(t *testing.T, p *partner) string {
		code := p.code(t)
		p.user = "parceiro2"
		return codeBody(p, code)
	}},
	{name: "tokenrenew_ok", call: "tokenrenew", prep: func(t *testing.T, p *partner) string {
		tok := p.jwt(t)
		p.env.Clock.Advance(time.Hour + time.Minute)
		return renewBody(p, tok)
	}},
	{name: "tokenrenew_code_token_field", call: "tokenrenew", prep: func(t *testing.T, p *partner) string {
		return codeBody(p, p.jwt(t))
	}},
	{name: "tokenrenew_missing_token", call: "tokenrenew", prep: func(t *testing.T, p *partner) string { return appCode(p) }},
	{name: "tokenrenew_reused", call: "tokenrenew", prep: func(t *testing.T, p *partner) string {
		tok := p.jwt(t)
		p.renew(t, tok)
		p.env.Clock.Advance(11 * time.Second)
		return renewBody(p, tok)
	}},
	{name: "tokenrenew_past_window", call: "tokenrenew", prep: func(t *testing.T, p *partner) string {
		tok := p.jwt(t)
		p.env.Clock.Advance(expiry(t, tok).Add(24*time.Hour + time.Second).Sub(p.env.Clock.Now()))
		return renewBody(p, tok)
	}},
	{name: "tokenrenew_alg_none", call: "tokenrenew", prep: func(t *testing.T, p *partner) string {
		return renewBody(p, forge(t, p.jwt(t), jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, ""))
	}},
	{name: "tokenrenew_other_application", call: "tokenrenew", prep: func(t *testing.T, p *partner) string {
		tok := p.jwt(t)
		p.app = "02"
		return renewBody(p, tok)
	}},
	{name: "tokenrenew_other_user", call: "tokenrenew", prep: func(t *testing.T, p *partner) string {
		tok := p.jwt(t)
		p.user = "parceiro2"
		return renewBody(p, tok)
	}},
}

// unsigned matches an alg-none JWT (empty signature) in a JSON string,
// which apptest.Normalize leaves alone.
var unsigned = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\."`)

// sealedJTI matches the jti claim of a decoded HDI token: the refresh
// token sealed under a server key (random per run, so normalised).
var sealedJTI = regexp.MustCompile(`"jti": "[A-Za-z0-9_-]{100,}"`)

// TestGolden writes every exchange of goldenCases as a transcript and
// compares it with testdata (run with -update to rewrite, then read them).
func TestGolden(t *testing.T) {
	p0 := newPartner(t, apptest.Options{})
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			p := p0
			body := tc.prep(t, &p)
			ctype := tc.ctype
			if ctype == "" {
				ctype = "application/json"
			}
			h := p.header()
			resp := p.env.Post(t, p.path(tc.call), ctype, body, h)
			h.Set("Content-Type", ctype)
			got := apptest.Transcript(http.MethodPost, p.path(tc.call), h, body, resp, "Content-Type", "Cache-Control", "Retry-After", "X-Trace-Id")
			apptest.Golden(t, "testdata/"+tc.name+".txtar", normalizeHDI(got))
		})
	}
}

// normalizeHDI replaces what apptest.Normalize leaves alone in an HDI
// transcript: alg-none JWTs and sealed jti claims.
func normalizeHDI(s string) string {
	s = unsigned.ReplaceAllString(s, `<UNSIGNED_JWT>"`)
	return sealedJTI.ReplaceAllString(s, `"jti": "<SEALED_JTI>"`)
}
