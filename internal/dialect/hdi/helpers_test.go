package hdi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"github.com/renova-auth/renova/internal/auth"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// base is the default mount's path of the seed's service.
const base = "/hdi/corporate/security/v1"

// partner is one caller of the HDI surface: its key and the headers it
// sends. Tests copy it and change one thing.
type partner struct {
	env     *apptest.Env
	base    string
	key     string
	company string
	app     string
	user    string
	trace   string
	appCode string
}

// newPartner starts renova with opt and returns the demo partner of
// seed 003's example (X-Company-Id 01, X-Application-Id 01).
func newPartner(t *testing.T, opt apptest.Options) partner {
	t.Helper()
	env := apptest.Start(t, opt)
	return partner{env: env, base: base, key: env.Creds.HDIKey, company: "01", app: "01", user: "parceiro1",
		trace: "trace-0001", appCode: "demo-app"}
}

// header is the request header of p (X-Trace-Id only when set).
func (p partner) header() http.Header {
	h := http.Header{}
	for k, v := range map[string]string{"X-Company-Id": p.company, "X-Application-Id": p.app, "X-User-Id": p.user, "X-Trace-Id": p.trace} {
		if v != "" {
			h.Set(k, v)
		}
	}
	return h
}

// path is the URL path of call with the key query parameter.
func (p partner) path(call string) string {
	if p.key == "" {
		return p.base + "/" + call
	}
	return p.base + "/" + call + "?key=" + p.key
}

// post sends a JSON body to call.
func (p partner) post(t *testing.T, call, body string) *apptest.Response {
	t.Helper()
	return p.env.Post(t, p.path(call), "application/json", body, p.header())
}

// jsonBody renders fields as a JSON object.
func jsonBody(fields map[string]string) string {
	b, _ := json.Marshal(fields)
	return string(b)
}

// field reads one string field of a JSON answer.
func field(t *testing.T, resp *apptest.Response, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(resp.Body, &m); err != nil {
		t.Fatalf("answer %d %s is not JSON: %v", resp.Status, resp.Body, err)
	}
	s, _ := m[name].(string)
	return s
}

// code runs authorize and returns the codeToken.
func (p partner) code(t *testing.T) string {
	t.Helper()
	resp := p.post(t, "authorize", jsonBody(map[string]string{"applicationCode": p.appCode}))
	if resp.Status != http.StatusOK {
		t.Fatalf("authorize = %d %s, want 200", resp.Status, resp.Body)
	}
	return field(t, resp, "codeToken")
}

// exchange runs /token with code and returns the answer.
func (p partner) exchange(t *testing.T, code string) *apptest.Response {
	t.Helper()
	return p.post(t, "token", jsonBody(map[string]string{"codeToken": code, "applicationCode": p.appCode}))
}

// jwt runs authorize and token and returns the JWT.
func (p partner) jwt(t *testing.T) string {
	t.Helper()
	resp := p.exchange(t, p.code(t))
	if resp.Status != http.StatusOK {
		t.Fatalf("token = %d %s, want 200", resp.Status, resp.Body)
	}
	return field(t, resp, "token")
}

// renew runs /tokenrenew with tok.
func (p partner) renew(t *testing.T, tok string) *apptest.Response {
	t.Helper()
	return p.post(t, "tokenrenew", jsonBody(map[string]string{"token": tok, "applicationCode": p.appCode}))
}

// segments decodes the header and claims of a compact JWS.
func segments(t *testing.T, tok string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d segments, want 3", tok, len(parts))
	}
	out := []map[string]any{{}, {}}
	for i := range out {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("segment %d: %v", i, err)
		}
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			t.Fatalf("segment %d: %v", i, err)
		}
	}
	return out[0], out[1]
}

// claim reads a claim of tok.
func claim(t *testing.T, tok, name string) any {
	t.Helper()
	_, c := segments(t, tok)
	return c[name]
}

// expiry is the exp of tok.
func expiry(t *testing.T, tok string) time.Time {
	t.Helper()
	return time.Unix(int64(claim(t, tok, "exp").(float64)), 0)
}

// session reads the session a token's sid names.
func (p partner) session(t *testing.T, tok string) *auth.Session {
	t.Helper()
	s, err := p.env.App.Store.GetSession(context.Background(), claim(t, tok, "sid").(string))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// errorCode checks an error answer's status, code and, when want has
// them, reason and field.
func errorCode(t *testing.T, what string, resp *apptest.Response, status int, code, reason, fld string) {
	t.Helper()
	if resp.Status != status || field(t, resp, "code") != code {
		t.Errorf("%s = %d %s, want %d code %q", what, resp.Status, resp.Body, status, code)
		return
	}
	if reason != "" && field(t, resp, "reason") != reason {
		t.Errorf("%s reason = %q, want %q (%s)", what, field(t, resp, "reason"), reason, resp.Body)
	}
	if fld != "" && field(t, resp, "field") != fld {
		t.Errorf("%s field = %q, want %q (%s)", what, field(t, resp, "field"), fld, resp.Body)
	}
}
