package bench

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// seen is one request as a server received it, in a form tests compare.
type seen struct {
	Method, Path, Query, Type, Auth, Body string
	Headers                               string // the headers the wire keeps, as "name=value" by spaces
}

// wire answers each path with a canned body and keeps what it saw.
type wire struct {
	mu      sync.Mutex
	got     []seen
	answers map[string]string // by path
	headers []string          // headers to keep
}

// newWire starts a server that answers path → body (200) and 404
// elsewhere, until t ends.
func newWire(t *testing.T, answers map[string]string, headers ...string) (*wire, string) {
	w := &wire{answers: answers, headers: headers}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s := seen{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Type: r.Header.Get("Content-Type"),
			Auth: r.Header.Get("Authorization"), Body: string(b)}
		var hs []string
		for _, h := range w.headers {
			hs = append(hs, h+"="+r.Header.Get(h))
		}
		s.Headers = strings.Join(hs, " ")
		w.mu.Lock()
		w.got = append(w.got, s)
		w.mu.Unlock()
		body, ok := w.answers[r.URL.Path]
		if !ok {
			rw.WriteHeader(http.StatusNotFound)
		}
		rw.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return w, srv.URL
}

// requests returns what the server saw, and forgets it.
func (w *wire) requests() []seen {
	w.mu.Lock()
	defer w.mu.Unlock()
	got := w.got
	w.got = nil
	return got
}

// jwt returns an unsigned JWT whose jti is id: the shape HDI answers.
func jwt(id string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{"jti":"`+id+`","sub":"ana"}`)) + ".sig"
}

func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

const formType, jsonType = "application/x-www-form-urlencoded", "application/json"

// TestSurfaceWire: every surface logs in and refreshes with the requests
// its dialect's doc describes, and reads the tokens from its answers.
func TestSurfaceWire(t *testing.T) {
	oauth := `{"access_token":"at-1","refresh_token":"rt-1"}`
	cases := []struct {
		surface string
		creds   Creds
		answers map[string]string
		login   []seen
		refresh seen
		tok     Tokens // what the login gives
	}{
		{"standard", Creds{ClientID: "bench-client", ClientSecret: "s3cr:t"}, map[string]string{"/oauth2/token": oauth},
			[]seen{{Method: "POST", Path: "/oauth2/token", Type: formType, Auth: basic("bench-client", "s3cr%3At"),
				Body: "grant_type=password&password=pw+1&username=ana"}},
			seen{Method: "POST", Path: "/oauth2/token", Type: formType, Auth: basic("bench-client", "s3cr%3At"),
				Body: "grant_type=refresh_token&refresh_token=rt-1"},
			Tokens{Access: "at-1", Refresh: "rt-1"}},
		{"standard", Creds{ClientID: "spa"}, map[string]string{"/oauth2/token": oauth},
			[]seen{{Method: "POST", Path: "/oauth2/token", Type: formType, Body: "client_id=spa&grant_type=password&password=pw+1&username=ana"}},
			seen{Method: "POST", Path: "/oauth2/token", Type: formType, Body: "client_id=spa&grant_type=refresh_token&refresh_token=rt-1"},
			Tokens{Access: "at-1", Refresh: "rt-1"}},
		{"icredit", Creds{Prefix: "/icredit"}, map[string]string{"/icredit/api/v1/auth/login": oauth},
			[]seen{{Method: "POST", Path: "/icredit/api/v1/auth/login", Type: jsonType, Body: `{"password":"pw 1","username":"ana"}`}},
			seen{Method: "POST", Path: "/icredit/api/v1/auth/refresh", Type: jsonType, Body: `{"refresh_token":"rt-1"}`},
			Tokens{Access: "at-1", Refresh: "rt-1"}},
		{"consinco", Creds{Prefix: "/consinco", Tenant: "demo"}, map[string]string{"/consinco/api/v1/auth/login": oauth},
			[]seen{{Method: "POST", Path: "/consinco/api/v1/auth/login", Type: jsonType, Body: `{"company":"demo","password":"pw 1","username":"ana"}`}},
			seen{Method: "POST", Path: "/consinco/api/v1/auth/refresh-token", Type: jsonType, Body: `{"grant_type":"refresh_token","refresh_token":"rt-1"}`},
			Tokens{Access: "at-1", Refresh: "rt-1"}},
		{"formulacerta", Creds{Prefix: "/fc"}, map[string]string{"/fc/api/v2/account/login": `{"AccessToken":"at-1","RefreshAccessToken":"rt-1","Succeeded":true}`},
			[]seen{{Method: "POST", Path: "/fc/api/v2/account/login", Type: jsonType, Body: `{"Password":"pw 1","UserName":"ana"}`}},
			seen{Method: "POST", Path: "/fc/api/v2/account/refreshtoken", Type: jsonType, Body: `{"AccessTokenOld":"at-1","AccessTokenRefresh":"rt-1"}`},
			Tokens{Access: "at-1", Refresh: "rt-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.surface+"/"+tc.creds.ClientID, func(t *testing.T) {
			s, err := Lookup(tc.surface)
			if err != nil {
				t.Fatal(err)
			}
			w, url := newWire(t, tc.answers)
			tg := &Target{URL: url, Creds: tc.creds, HTTP: newHTTP(1)}
			tok, o := s.Login(context.Background(), tg, User{Login: "ana", Password: "pw 1"})
			if !o.ok() || tok != tc.tok {
				t.Errorf("%s login = %+v, %+v; want %+v", tc.surface, tok, o, tc.tok)
			}
			compare(t, tc.surface+" login", w.requests(), tc.login)
			req, err := s.Refresh(tg, tok)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := tg.do(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			compare(t, tc.surface+" refresh", w.requests(), []seen{tc.refresh})
		})
	}
}

// compare fails t unless the server saw want (headers aside).
func compare(t *testing.T, what string, got, want []seen) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: server saw %d requests %+v, want %d", what, len(got), got, len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s request %d =\n  %+v\nwant\n  %+v", what, i+1, got[i], want[i])
		}
	}
}

// TestHDIWire: HDI logs in with authorize then token, refreshes with
// tokenrenew, and sends the partner key and its three headers every time;
// the company is the tenant's code, or its slug when it has none.
func TestHDIWire(t *testing.T) {
	base := "/hdi/corporate/security/v1/"
	w, url := newWire(t, map[string]string{base + "authorize": `{"codeToken":"code-1"}`, base + "token": `{"token":"` + jwt("rt-1") + `"}`},
		"X-Company-Id", "X-Application-Id", "X-User-Id")
	for _, tc := range []struct {
		creds   Creds
		company string
	}{
		{Creds{Prefix: "/hdi", APIKey: "K", AppCode: "APP", Tenant: "demo", TenantCode: 7}, "7"},
		{Creds{Prefix: "/hdi", APIKey: "K", AppCode: "APP", Tenant: "demo"}, "demo"},
	} {
		tg := &Target{URL: url, Creds: tc.creds, HTTP: newHTTP(1)}
		tok, o := hdiSurface.Login(context.Background(), tg, User{Login: "ana"})
		if !o.ok() || tok.Refresh != "rt-1" || tok.Access != jwt("rt-1") || tok.User != "ana" {
			t.Errorf("hdi login = %+v, %+v; want the JWT, its jti and the user", tok, o)
		}
		req, err := hdiSurface.Refresh(tg, tok)
		if err != nil {
			t.Fatal(err)
		}
		tg.do(context.Background(), req)
		got := w.requests()
		bodies := []string{`{"applicationCode":"APP"}`, `{"applicationCode":"APP","codeToken":"code-1"}`,
			`{"applicationCode":"APP","token":"` + jwt("rt-1") + `"}`}
		var want []seen
		for i, call := range []string{"authorize", "token", "tokenrenew"} {
			want = append(want, seen{Method: "POST", Path: base + call, Query: "key=K", Type: jsonType, Body: bodies[i],
				Headers: "X-Company-Id=" + tc.company + " X-Application-Id=bench X-User-Id=ana"})
		}
		compare(t, "hdi company "+tc.company, got, want)
	}
}

// TestHDILoginFails: a refused authorize ends the login there.
func TestHDILoginFails(t *testing.T) {
	w, url := newWire(t, map[string]string{})
	tg := &Target{URL: url, Creds: Creds{Prefix: "/hdi", APIKey: "K"}, HTTP: newHTTP(1)}
	if _, o := hdiSurface.Login(context.Background(), tg, User{Login: "ana"}); o.ok() || o.Status != 404 {
		t.Errorf("hdi login against 404 = %+v, want a 404 failure", o)
	}
	if n := len(w.requests()); n != 1 {
		t.Errorf("hdi login after a refused authorize sent %d requests, want 1", n)
	}
}

// TestParsers: each surface's parser reads its success and error bodies.
func TestParsers(t *testing.T) {
	cases := []struct {
		name   string
		parse  func(int, []byte) (Tokens, string)
		status int
		body   string
		tok    Tokens
		reason string
	}{
		{"oauth ok", parseOAuth, 200, `{"access_token":"a","refresh_token":"r"}`, Tokens{Access: "a", Refresh: "r"}, ""},
		{"oauth reason", parseOAuth, 400, `{"error":"invalid_grant","reason":"reused"}`, Tokens{}, "reused"},
		{"oauth error", parseOAuth, 401, `{"error":"invalid_client"}`, Tokens{}, "invalid_client"},
		{"oauth html", parseOAuth, 502, `<html>bad gateway</html>`, Tokens{}, "unparsable body"},
		{"loginresult ok", parseLoginResult, 200, `{"AccessToken":"a","RefreshAccessToken":"r","Succeeded":true}`, Tokens{Access: "a", Refresh: "r"}, ""},
		{"loginresult reused", parseLoginResult, 200, `{"Succeeded":false,"ErrorCode":4}`, Tokens{}, "reused"},
		{"loginresult 500", parseLoginResult, 500, `{"Succeeded":false,"ErrorCode":99}`, Tokens{}, "server_error"},
		{"loginresult unknown code", parseLoginResult, 400, `{"ErrorCode":42}`, Tokens{}, "ErrorCode 42"},
		{"loginresult no body", parseLoginResult, 500, ``, Tokens{}, "unparsable body"},
		{"hdi code", parseHDI, 200, `{"codeToken":"c"}`, Tokens{Refresh: "c"}, ""},
		{"hdi token", parseHDI, 200, `{"token":"` + jwt("r") + `"}`, Tokens{Access: jwt("r"), Refresh: "r"}, ""},
		{"hdi reason", parseHDI, 401, `{"code":"401","reason":"reused"}`, Tokens{}, "reused"},
		{"hdi code only", parseHDI, 403, `{"code":"403"}`, Tokens{}, "403"},
		{"hdi garbage", parseHDI, 200, `nope`, Tokens{}, "unparsable body"},
	}
	for _, tc := range cases {
		tok, reason := tc.parse(tc.status, []byte(tc.body))
		if tok != tc.tok || reason != tc.reason {
			t.Errorf("parse(%s) = %+v, %q; want %+v, %q", tc.name, tok, reason, tc.tok, tc.reason)
		}
	}
}

// TestJWTID reads the jti of well-formed tokens only.
func TestJWTID(t *testing.T) {
	cases := map[string]string{jwt("abc"): "abc", "a.b": "", "a.%%%.c": "", "a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c": ""}
	for in, want := range cases {
		if got := jwtID(in); got != want {
			t.Errorf("jwtID(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTransportReason names failures below HTTP for the errors table.
func TestTransportReason(t *testing.T) {
	op := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}
	}
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("Post: %w", context.DeadlineExceeded), "timeout"},
		{op(syscall.ECONNREFUSED), "connection refused"},
		{op(syscall.ECONNRESET), "connection reset"},
		{op(syscall.EADDRNOTAVAIL), "out of local ports"},
		{fmt.Errorf("read: %w", io.EOF), "connection closed"},
		{io.ErrUnexpectedEOF, "connection closed"},
		{errors.New("tls: bad certificate"), "transport: tls: bad certificate"},
	}
	for _, tc := range cases {
		if got := transportReason(tc.err); got != tc.want {
			t.Errorf("transportReason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// TestLookup finds every surface by name and explains the rest.
func TestLookup(t *testing.T) {
	for _, name := range []string{"standard", "icredit", "consinco", "formulacerta", "hdi"} {
		if s, err := Lookup(name); err != nil || s.Name != name || s.Login == nil || s.Refresh == nil || s.Parse == nil {
			t.Errorf("Lookup(%q) = %+v, %v; want a complete surface", name, s, err)
		}
	}
	saved := surfaces
	defer func() { surfaces = saved }()
	surfaces = []*Surface{{Name: "soon", Unavailable: "no doc yet"}}
	if _, err := Lookup("soon"); err == nil || err.Error() != "surface soon not available yet: no doc yet" {
		t.Errorf("Lookup(unavailable) = %v, want why", err)
	}
}

// TestBadTarget: a request that cannot be built is a failure with its
// reason, not a panic, on every surface.
func TestBadTarget(t *testing.T) {
	tg := &Target{URL: "http://[::1", Creds: Creds{ClientID: "c", Prefix: "/p", TenantCode: 1}, HTTP: newHTTP(1)}
	for _, s := range surfaces {
		if _, o := s.Login(context.Background(), tg, User{Login: "ana"}); o.ok() || o.Reason == "" {
			t.Errorf("%s login to a bad URL = %+v, want a failure with a reason", s.Name, o)
		}
		if _, err := s.Refresh(tg, Tokens{Refresh: "r"}); err == nil {
			t.Errorf("%s refresh to a bad URL built a request", s.Name)
		}
	}
	if _, o := tg.call(context.Background(), nil, errors.New("boom"), parseOAuth); o.Reason != "build request: boom" {
		t.Errorf("call(build error) = %+v, want the reason", o)
	}
	if _, err := tg.jsonPost("/x", func() {}); err == nil {
		t.Errorf("jsonPost(a func) = nil error, want the marshal error")
	}
}
