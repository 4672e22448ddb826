package formulacerta

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/httpx"
)

// request builds a POST with a body and Content-Type.
func request(ct, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/formulacerta/api/v2/account/refreshtoken", strings.NewReader(body))
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	return r
}

const ns = `xmlns="http://schemas.datacontract.org/2004/07/FormulaCertaAPI.Models.v2.BindingModels"`

// TestDecodeAccepted covers what the decoders take besides the seed's own
// samples: unknown members (ignored), case-insensitive JSON and form names
// (Json.NET and ASP.NET model binding), XML prolog, comments, CDATA,
// members in any order, i:nil, charset parameters, no root namespace.
func TestDecodeAccepted(t *testing.T) {
	want := map[string]string{"AccessTokenOld": "a.b.c", "AccessTokenRefresh": "rn_rt_x"}
	cases := []struct{ name, ct, body string }{
		{"json unknown members", "application/json", `{"AccessTokenOld":"a.b.c","AccessTokenRefresh":"rn_rt_x","Extra":{"deep":[1,2,{"x":null}]},"n":5}`},
		{"json lower-case names", "text/json; charset=utf-8", `{"accesstokenold":"a.b.c","ACCESSTOKENREFRESH":"rn_rt_x"}`},
		{"json null member among others", "application/json", `{"AccessTokenOld":"a.b.c","AccessTokenRefresh":"rn_rt_x","Email":null}`},
		{"xml prolog comments cdata", "text/xml", `<?xml version="1.0" encoding="utf-8"?><!-- c --><AccessTokenBindingModel ` + ns + `><AccessTokenRefresh><![CDATA[rn_rt_x]]></AccessTokenRefresh><!-- c --><AccessTokenOld>a.b.c</AccessTokenOld></AccessTokenBindingModel><!-- after -->`},
		{"xml unknown members", "application/xml", `<AccessTokenBindingModel ` + ns + `><Other><x><y/></x></Other><AccessTokenOld>a.b.c</AccessTokenOld><AccessTokenRefresh>rn_rt_x</AccessTokenRefresh></AccessTokenBindingModel>`},
		{"xml prefixed", "application/xml", `<b:AccessTokenBindingModel xmlns:b="http://schemas.datacontract.org/2004/07/FormulaCertaAPI.Models.v2.BindingModels"><b:AccessTokenOld>a.b.c</b:AccessTokenOld><b:AccessTokenRefresh>rn_rt_x</b:AccessTokenRefresh></b:AccessTokenBindingModel>`},
		{"xml no namespace", "application/xml", `<AccessTokenBindingModel><AccessTokenOld>a.b.c</AccessTokenOld><AccessTokenRefresh>rn_rt_x</AccessTokenRefresh></AccessTokenBindingModel>`},
		{"xml nil unknown", "application/xml", `<AccessTokenBindingModel xmlns:i="http://www.w3.org/2001/XMLSchema-instance" ` + ns + `><Email i:nil="true"/><AccessTokenOld>a.b.c</AccessTokenOld><AccessTokenRefresh>rn_rt_x</AccessTokenRefresh></AccessTokenBindingModel>`},
		{"form unknown and lower-case", "application/x-www-form-urlencoded; charset=utf-8", `grant_type=x&accesstokenold=a.b.c&AccessTokenRefresh=rn_rt_x`},
	}
	for _, tc := range cases {
		got, err := decodeRefresh(request(tc.ct, tc.body))
		if err != nil || got.AccessTokenOld != want["AccessTokenOld"] || got.AccessTokenRefresh != want["AccessTokenRefresh"] {
			t.Errorf("decodeRefresh(%q) = %+v, %v, want %v", tc.name, got, err, want)
		}
	}
}

// TestDecodeLogin covers the login model: UserName or Email, Password.
func TestDecodeLogin(t *testing.T) {
	cases := []struct {
		name, ct, body string
		want           loginRequest
		wantErr        string
	}{
		{"json username", "application/json", `{"UserName":"ana","Password":"pw"}`, loginRequest{UserName: "ana", Password: "pw"}, ""},
		{"form email", "application/x-www-form-urlencoded", `Email=ana%40x.invalid&Password=pw`, loginRequest{Email: "ana@x.invalid", Password: "pw"}, ""},
		{"xml both", "text/xml", `<LoginBindingModel ` + ns + `><Email>e</Email><Password>pw</Password><UserName>ana</UserName></LoginBindingModel>`, loginRequest{UserName: "ana", Email: "e", Password: "pw"}, ""},
		{"xml refresh root", "text/xml", `<AccessTokenBindingModel ` + ns + `><UserName>ana</UserName></AccessTokenBindingModel>`, loginRequest{}, "root element"},
		{"json no password", "application/json", `{"Email":"e"}`, loginRequest{}, "Password: missing"},
		{"json bool password", "application/json", `{"Email":"e","Password":true}`, loginRequest{}, "Password: must be a string"},
	}
	for _, tc := range cases {
		got, err := decodeLogin(request(tc.ct, tc.body))
		if tc.wantErr != "" {
			if de := httpx.IsDecode(err); de == nil || de.Status != http.StatusBadRequest || !strings.Contains(de.Error(), tc.wantErr) {
				t.Errorf("decodeLogin(%q) error = %v, want 400 containing %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("decodeLogin(%q) = %+v, %v, want %+v", tc.name, got, err, tc.want)
		}
		if want := map[bool]string{true: tc.want.UserName, false: tc.want.Email}[tc.want.UserName != ""]; got.login() != want {
			t.Errorf("decodeLogin(%q).login() = %q, want %q", tc.name, got.login(), want)
		}
	}
}

// TestNewOptions refuses mount options: the dialect has none, so a typo
// fails the start instead of being ignored.
func TestNewOptions(t *testing.T) {
	if _, err := New(dialect.Binding{Options: map[string]string{"xml": "on"}}); err == nil {
		t.Errorf("New(option xml=on) = nil error, want refused")
	}
	s, err := New(dialect.Binding{Prefix: "/fc"})
	if err != nil {
		t.Fatal(err)
	}
	routes := slices.Sorted(maps.Keys(s.Routes()))
	want := []string{"POST /fc/api/v2/account/login", "POST /fc/api/v2/account/refreshtoken"}
	if !slices.Equal(routes, want) {
		t.Errorf("Routes() = %v, want %v", routes, want)
	}
}
