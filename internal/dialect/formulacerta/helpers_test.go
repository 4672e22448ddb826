package formulacerta_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"github.com/renova-auth/renova/internal/auth"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/token"
)

// The default mount's paths and the test user every env gets.
const (
	loginPath   = "/formulacerta/api/v2/account/login"
	refreshPath = "/formulacerta/api/v2/account/refreshtoken"
	userLogin   = "farmaceutica"
	userEmail   = "farmaceutica@demo.invalid"
	userPass    = "correct horse battery"
	ctJSON      = "application/json"
	ctXML       = "application/xml"
	ctForm      = "application/x-www-form-urlencoded"
)

// start runs renova with the default mounts and creates the test user in
// the demo tenant (code 1).
func start(t *testing.T) *apptest.Env {
	t.Helper()
	env := apptest.Start(t, apptest.Options{})
	ctx := context.Background()
	ten, err := env.App.Store.TenantBySlug(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	u := &auth.User{TenantID: ten.ID, Login: userLogin, Email: userEmail, Name: "Farmacêutica"}
	if err := env.App.Svc.NewUser(ctx, u, userPass); err != nil {
		t.Fatal(err)
	}
	return env
}

// result is a LoginResult read back from JSON or XML.
type result struct {
	AccessToken        string   `json:"AccessToken" xml:"AccessToken"`
	RefreshAccessToken string   `json:"RefreshAccessToken" xml:"RefreshAccessToken"`
	TokenType          string   `json:"TokenType" xml:"TokenType"`
	Expires            string   `json:"Expires" xml:"Expires>DateTime"`
	ErrorCode          int      `json:"ErrorCode" xml:"ErrorCode"`
	ClienteID          int64    `json:"ClienteId" xml:"-"`
	Succeeded          bool     `json:"Succeeded" xml:"Succeeded"`
	Errors             []string `json:"Errors" xml:"Errors>string"`
}

// parse reads a response body by its Content-Type.
func parse(t *testing.T, resp *apptest.Response) result {
	t.Helper()
	var res result
	var err error
	switch ct := resp.Header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "application/json"), strings.HasPrefix(ct, "text/json"):
		err = json.Unmarshal(resp.Body, &res)
	case strings.HasPrefix(ct, "application/xml"), strings.HasPrefix(ct, "text/xml"):
		err = xml.Unmarshal(resp.Body, &res)
	default:
		t.Fatalf("response Content-Type %q, body %s", ct, resp.Body)
	}
	if err != nil {
		t.Fatalf("response %s: %v", resp.Body, err)
	}
	return res
}

// post sends body with a Content-Type (and optional Accept) and parses the
// LoginResult.
func post(t *testing.T, env *apptest.Env, path, ct, body, accept string) (*apptest.Response, result) {
	t.Helper()
	h := http.Header{}
	if accept != "" {
		h.Set("Accept", accept)
	}
	resp := env.Post(t, path, ct, body, h)
	return resp, parse(t, resp)
}

// login logs the test user in over JSON and fails the test otherwise.
func login(t *testing.T, env *apptest.Env) result {
	t.Helper()
	resp, res := post(t, env, loginPath, ctJSON, `{"UserName":"`+userLogin+`","Password":"`+userPass+`"}`, "")
	if resp.Status != http.StatusOK || !res.Succeeded {
		t.Fatalf("login = %d %s", resp.Status, resp.Body)
	}
	return res
}

// refresh calls refreshtoken over JSON.
func refresh(t *testing.T, env *apptest.Env, old, rt string) (*apptest.Response, result) {
	t.Helper()
	return post(t, env, refreshPath, ctJSON, jsonBody(map[string]string{"AccessTokenOld": old, "AccessTokenRefresh": rt}), "")
}

// jsonBody renders fields as a JSON object.
func jsonBody(fields map[string]string) string {
	b, _ := json.Marshal(fields)
	return string(b)
}

// xmlBody renders fields as the seed's DataContract XML with root.
func xmlBody(root string, fields map[string]string) string {
	var b strings.Builder
	b.WriteString(`<` + root + ` xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/FormulaCertaAPI.Models.v2.BindingModels">`)
	for _, k := range []string{"AccessTokenOld", "AccessTokenRefresh", "UserName", "Email", "Password"} {
		if v, ok := fields[k]; ok {
			b.WriteString("<" + k + ">")
			_ = xml.EscapeText(&b, []byte(v))
			b.WriteString("</" + k + ">")
		}
	}
	b.WriteString(`</` + root + `>`)
	return b.String()
}

// formBody renders fields urlencoded.
func formBody(fields map[string]string) string {
	v := url.Values{}
	for k, s := range fields {
		v.Set(k, s)
	}
	return v.Encode()
}

// claimsOf reads a token's claims without verifying it.
func claimsOf(t *testing.T, tok string) *token.Claims {
	t.Helper()
	var c token.Claims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &c); err != nil {
		t.Fatalf("ParseUnverified: %v", err)
	}
	return &c
}

// seed reads a sample copied verbatim from seed 002.
func seed(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimRight(string(b), "\n")
}
