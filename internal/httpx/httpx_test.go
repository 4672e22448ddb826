package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/auth"
)

// countingReader serves n bytes of 'a' (n < 0: without end) and counts
// what was read.
type countingReader struct {
	n    int
	read int
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= 0 && c.read >= c.n {
		return 0, io.EOF
	}
	k := len(p)
	if c.n >= 0 {
		k = min(k, c.n-c.read)
	}
	for i := range k {
		p[i] = 'a'
	}
	c.read += k
	return k, nil
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestReadBody(t *testing.T) {
	for _, tc := range []struct {
		name          string
		size          int   // bytes the body holds; -1 without end
		contentLength int64 // declared; -1 unknown (chunked)
		wantLen       int   // when accepted
		status        int   // 0 when accepted
		maxRead       int   // most bytes the body may have been read
	}{
		{"empty", 0, 0, 0, 0, 0},
		{"small", 10, 10, 10, 0, 10},
		{"exactly MaxBody declared", MaxBody, MaxBody, MaxBody, 0, MaxBody},
		{"exactly MaxBody streamed", MaxBody, -1, MaxBody, 0, MaxBody},
		{"declared over MaxBody is refused before reading", MaxBody + 1, MaxBody + 1, 0, 413, 0},
		{"declared far over MaxBody", -1, 1 << 40, 0, 413, 0},
		{"streamed one over MaxBody", MaxBody + 1, -1, 0, 413, MaxBody + 1},
		{"streamed without end stops at the limit", -1, -1, 0, 413, MaxBody + 1},
		{"declared small but longer", MaxBody + 10, 5, 0, 413, MaxBody + 1},
	} {
		body := &countingReader{n: tc.size}
		r := httptest.NewRequest(http.MethodPost, "/", body)
		r.ContentLength = tc.contentLength
		got, err := ReadBody(r)
		if body.read > tc.maxRead {
			t.Errorf("ReadBody(%s) read %d bytes, want at most %d", tc.name, body.read, tc.maxRead)
		}
		if tc.status == 0 {
			if err != nil || len(got) != tc.wantLen {
				t.Errorf("ReadBody(%s) = %d bytes, %v, want %d bytes", tc.name, len(got), err, tc.wantLen)
			}
			continue
		}
		de := IsDecode(err)
		if de == nil || de.Status != tc.status || !strings.Contains(de.Problem, strconv.Itoa(MaxBody)) || got != nil {
			t.Errorf("ReadBody(%s) = %d bytes, %v, want a %d naming the limit %d", tc.name, len(got), err, tc.status, MaxBody)
		}
	}
}

func TestReadBodyError(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", failingReader{})
	r.ContentLength = -1
	_, err := ReadBody(r)
	checkRefusal(t, "ReadBody(failing reader)", err)
}

func TestMediaType(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"", ""},
		{"application/json", "application/json"},
		{"Application/JSON; charset=UTF-8", "application/json"},
		{" text/xml ; charset=utf-8", "text/xml"},
		{"APPLICATION/X-WWW-FORM-URLENCODED", "application/x-www-form-urlencoded"},
		{"application/json; charset", ""},
		{"/json", ""},
		{"application/json/extra", ""},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if tc.header != "" {
			r.Header.Set("Content-Type", tc.header)
		}
		if got := MediaType(r); got != tc.want {
			t.Errorf("MediaType(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestForm(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		want        url.Values // nil when refused
		status      int
		field       string
	}{
		{"token request", form, "grant_type=password&username=a%20b&password=p%2Bq+r",
			url.Values{"grant_type": {"password"}, "username": {"a b"}, "password": {"p+q r"}}, 0, ""},
		{"charset parameter", form + "; charset=UTF-8", "a=1", url.Values{"a": {"1"}}, 0, ""},
		{"content type case", "Application/X-WWW-Form-URLEncoded", "a=1", url.Values{"a": {"1"}}, 0, ""},
		{"empty body", form, "", url.Values{}, 0, ""},
		{"name without value", form, "a", url.Values{"a": {""}}, 0, ""},
		{"names are case-sensitive", form, "a=1&A=2", url.Values{"a": {"1"}, "A": {"2"}}, 0, ""},

		{"json content type", "application/json", `{"a":"1"}`, nil, 400, "Content-Type"},
		{"no content type", "", "a=1", nil, 400, "Content-Type"},
		{"multipart", "multipart/form-data; boundary=x", "a=1", nil, 400, "Content-Type"},
		{"duplicate parameter", form, "grant_type=password&grant_type=refresh_token", nil, 400, "grant_type"},
		{"duplicate empty parameter", form, "scope=&scope=", nil, 400, "scope"},
		{"duplicate through escaping", form, "a=1&%61=2", nil, 400, "a"},
		{"bad escape", form, "a=%zz", nil, 400, ""},
		{"semicolon separator", form, "a=1;b=2", nil, 400, ""},
		{"too large", form, "a=" + strings.Repeat("x", MaxBody), nil, 413, ""},
	} {
		r := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(tc.body))
		if tc.contentType != "" {
			r.Header.Set("Content-Type", tc.contentType)
		}
		got, err := Form(r)
		if tc.want != nil {
			if err != nil || !maps.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("Form(%s: %q) = %v, %v, want %v", tc.name, tc.body, got, err, tc.want)
			}
			continue
		}
		de := IsDecode(err)
		if de == nil || de.Status != tc.status || de.Field != tc.field || de.Problem == "" || got != nil {
			t.Errorf("Form(%s: %q) = %v, %#v, want a %d on field %q", tc.name, tc.body, got, err, tc.status, tc.field)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		v      any
		body   string
	}{
		{"token", 200, map[string]string{"access_token": "a<b>&c"}, `{"access_token":"a<b>&c"}` + "\n"},
		{"error", 400, struct {
			Error string `json:"error"`
		}{"invalid_grant"}, `{"error":"invalid_grant"}` + "\n"},
	} {
		w := httptest.NewRecorder()
		WriteJSON(w, tc.status, tc.v)
		h := w.Header()
		if w.Code != tc.status || w.Body.String() != tc.body ||
			h.Get("Content-Type") != "application/json;charset=UTF-8" ||
			h.Get("Cache-Control") != "no-store" || h.Get("Pragma") != "no-cache" {
			t.Errorf("WriteJSON(%s) = %d %q %v, want %d %q with JSON type and no-store",
				tc.name, w.Code, w.Body.String(), h, tc.status, tc.body)
		}
	}
}

func TestWriteBody(t *testing.T) {
	for _, tc := range []struct {
		status    int
		mediaType string
		body      string
	}{
		{200, "application/xml", "<a>é</a>"},
		{400, "text/xml", "<Error/>"},
		{503, "application/json", ""},
	} {
		w := httptest.NewRecorder()
		WriteBody(w, tc.status, tc.mediaType, []byte(tc.body))
		h := w.Header()
		want := map[string]string{
			"Content-Type":   tc.mediaType + "; charset=utf-8",
			"Cache-Control":  "no-store",
			"Pragma":         "no-cache",
			"Content-Length": strconv.Itoa(len(tc.body)),
		}
		for k, v := range want {
			if h.Get(k) != v {
				t.Errorf("WriteBody(%d, %q) header %s = %q, want %q", tc.status, tc.mediaType, k, h.Get(k), v)
			}
		}
		if w.Code != tc.status || w.Body.String() != tc.body {
			t.Errorf("WriteBody(%d, %q) = %d %q, want %d %q", tc.status, tc.mediaType, w.Code, w.Body.String(), tc.status, tc.body)
		}
	}
}

var hex16 = regexp.MustCompile(`^[0-9a-f]{16}$`)

func TestWithTrace(t *testing.T) {
	for _, tc := range []struct {
		name     string
		incoming []string // X-Trace-Id values sent; nil sends none
		kept     string   // the id kept, or "" when a new one is made
	}{
		{"none", nil, ""},
		{"sane", []string{"abc-123"}, "abc-123"},
		{"printable ascii", []string{"~!#$%&'()*+,-./:;<=>?@[]^_`{|}"}, "~!#$%&'()*+,-./:;<=>?@[]^_`{|}"},
		{"128 bytes", []string{strings.Repeat("a", 128)}, strings.Repeat("a", 128)},
		{"first of two", []string{"first", "second"}, "first"},
		{"empty", []string{""}, ""},
		{"129 bytes", []string{strings.Repeat("a", 129)}, ""},
		{"space", []string{"has space"}, ""},
		{"tab", []string{"a\tb"}, ""},
		{"newline", []string{"a\nb"}, ""},
		{"DEL", []string{"a\x7f"}, ""},
		{"non-ASCII", []string{"ação"}, ""},
		{"invalid UTF-8", []string{"a\xff"}, ""},
	} {
		var seen string
		h := WithTrace(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = TraceID(r.Context()) }))
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		for _, v := range tc.incoming {
			r.Header.Add("X-Trace-Id", v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		echoed := w.Header().Get("X-Trace-Id")
		if echoed != seen {
			t.Errorf("WithTrace(%s) echoed %q, handler saw %q", tc.name, echoed, seen)
		}
		if tc.kept != "" && seen != tc.kept {
			t.Errorf("WithTrace(%q) [%s] = %q, want it kept", tc.incoming, tc.name, seen)
		}
		if tc.kept == "" && !hex16.MatchString(seen) {
			t.Errorf("WithTrace(%q) [%s] = %q, want a new id of 16 hex digits", tc.incoming, tc.name, seen)
		}
	}
}

func TestWithTraceNewIDsDiffer(t *testing.T) {
	seen := map[string]bool{}
	h := WithTrace(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen[TraceID(r.Context())] = true }))
	for range 20 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}
	if len(seen) != 20 {
		t.Errorf("WithTrace made %d distinct ids for 20 requests, want 20", len(seen))
	}
}

func TestTraceIDWithout(t *testing.T) {
	if got := TraceID(context.Background()); got != "" {
		t.Errorf("TraceID(background) = %q, want empty", got)
	}
}

func TestMeta(t *testing.T) {
	for _, tc := range []struct {
		remoteAddr, userAgent, traceID string
		want                           auth.Meta
	}{
		{"192.0.2.1:1234", "curl/8", "t1", auth.Meta{IP: "192.0.2.1", UserAgent: "curl/8", TraceID: "t1"}},
		{"[2001:db8::1]:443", "", "t2", auth.Meta{IP: "2001:db8::1", TraceID: "t2"}},
		{"192.0.2.1", "ua", "t3", auth.Meta{IP: "192.0.2.1", UserAgent: "ua", TraceID: "t3"}},
		{"2001:db8::1", "", "t4", auth.Meta{IP: "2001:db8::1", TraceID: "t4"}},
		{"", "", "t5", auth.Meta{TraceID: "t5"}},
	} {
		var got auth.Meta
		h := WithTrace(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = Meta(r) }))
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.RemoteAddr = tc.remoteAddr
		r.Header.Set("User-Agent", tc.userAgent)
		r.Header.Set("X-Trace-Id", tc.traceID)
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != tc.want {
			t.Errorf("Meta(RemoteAddr %q) = %+v, want %+v", tc.remoteAddr, got, tc.want)
		}
	}
}

func TestBearer(t *testing.T) {
	for _, tc := range []struct {
		header string // "" sends no Authorization
		token  string
		ok     bool
	}{
		{"", "", false},
		{"Bearer abc.def", "abc.def", true},
		{"bearer abc", "abc", true},
		{"BEARER abc", "abc", true},
		{"BeArEr abc", "abc", true},
		{"Bearer   abc  ", "abc", true},
		{"Bearer ", "", false},
		{"Bearer    ", "", false},
		{"Bearer", "", false},
		{"Bearerabc", "", false},
		{"Basic dXNlcjpwYXNz", "", false},
		{"Token abc", "", false},
		{" Bearer abc", "", false},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if tc.header != "" {
			r.Header.Set("Authorization", tc.header)
		}
		token, ok := Bearer(r)
		if token != tc.token || ok != tc.ok {
			t.Errorf("Bearer(%q) = %q, %v, want %q, %v", tc.header, token, ok, tc.token, tc.ok)
		}
	}
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		code string
		want int
	}{
		{auth.InvalidClient, 401},
		{auth.InvalidToken, 401},
		{auth.TemporarilyUnavailable, 503},
		{auth.ServerError, 500},
		{auth.InvalidGrant, 400},
		{auth.UnauthorizedClient, 400},
		{auth.UnsupportedGrantType, 400},
		{auth.InvalidScope, 400},
		{"invalid_request", 400},
		{"", 400},
		{"INVALID_CLIENT", 400},
	} {
		if got := Status(tc.code); got != tc.want {
			t.Errorf("Status(%q) = %d, want %d", tc.code, got, tc.want)
		}
	}
}

func TestDecodeErrorHelpers(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  *DecodeError
		want string
	}{
		{"with field", Bad("username", "is %s", "required"), "username: is required"},
		{"without field", Bad("", "malformed %s", "JSON"), "malformed JSON"},
		{"literal percent", Bad("", "100%% sure"), "100% sure"},
	} {
		if got := tc.err.Error(); got != tc.want || tc.err.Status != http.StatusBadRequest {
			t.Errorf("Bad(%s).Error() = %q (status %d), want %q (400)", tc.name, got, tc.err.Status, tc.want)
		}
	}
	bad := Bad("a", "b")
	for _, tc := range []struct {
		name string
		err  error
		want *DecodeError
	}{
		{"itself", bad, bad},
		{"wrapped", fmt.Errorf("x: %w", bad), bad},
		{"inside an auth error", &auth.Error{Code: auth.InvalidGrant, Cause: bad}, bad},
		{"other", errors.New("x"), nil},
		{"nil", nil, nil},
	} {
		if got := IsDecode(tc.err); got != tc.want {
			t.Errorf("IsDecode(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAdapt(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{{"nil", nil}, {"error", errors.New("boom")}} {
		var gotErr []error
		h := Adapt(func(w http.ResponseWriter, r *http.Request) error { return tc.err },
			func(w http.ResponseWriter, r *http.Request, err error) { gotErr = append(gotErr, err) })
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", bytes.NewReader(nil)))
		want := 0
		if tc.err != nil {
			want = 1
		}
		if len(gotErr) != want || (want == 1 && gotErr[0] != tc.err) {
			t.Errorf("Adapt(%s) called write with %v, want %d call(s) with %v", tc.name, gotErr, want, tc.err)
		}
	}
}
