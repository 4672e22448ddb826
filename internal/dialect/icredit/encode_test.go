package icredit

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/httpx"
)

// TestWriteError checks the lookup table from core errors to the NestJS
// status, body and headers, including the cases an HTTP test cannot
// provoke without a broken store (503 with Retry-After, 500).
func TestWriteError(t *testing.T) {
	s := &Surface{logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	cases := []struct {
		name    string
		err     error
		status  int
		message string
		reason  string
		header  string // "Name: value" expected, if any
	}{
		{"decode 400", httpx.Bad("refresh_token", "must be a string"), 400, "refresh_token must be a string", "", ""},
		{"decode 413", &httpx.DecodeError{Status: 413, Problem: "too big"}, 413, "too big", "", ""},
		{"dead refresh token", &auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonReused, Description: "used"}, 401, "used", "reused", ""},
		{"bad credentials", &auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonCredentials, Description: "invalid username or password"}, 401, "invalid username or password", "invalid_credentials", ""},
		{"invalid access token", &auth.Error{Code: auth.InvalidToken, Description: "bad"}, 401, "bad", "", `WWW-Authenticate: Bearer realm="renova", error="invalid_token"`},
		{"policy", &auth.Error{Code: auth.InvalidRequest, Description: "too short"}, 400, "too short", "", ""},
		{"client may not", &auth.Error{Code: auth.UnauthorizedClient, Description: "no password grant"}, 403, "no password grant", "", ""},
		{"busy", &auth.Error{Code: auth.TemporarilyUnavailable, Description: "busy", RetryAfter: 1500 * time.Millisecond}, 503, "busy", "", "Retry-After: 2"},
		{"busy, no hint", &auth.Error{Code: auth.TemporarilyUnavailable, Description: "busy"}, 503, "busy", "", "Retry-After: 1"},
		{"wrapped core error", errors.Join(errors.New("ctx"), &auth.Error{Code: auth.InvalidGrant, Description: "dead"}), 401, "dead", "", ""},
		{"core server error", &auth.Error{Code: auth.ServerError, Description: "secret detail"}, 500, "Internal server error", "", ""},
		{"unknown code", &auth.Error{Code: "new_code", Description: "secret detail"}, 500, "Internal server error", "", ""},
		{"internal", errors.New("disk on fire"), 500, "Internal server error", "", ""},
		{"wrong method", &statusError{status: 404, message: "Cannot GET /x"}, 404, "Cannot GET /x", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			s.adapt(func(http.ResponseWriter, *http.Request) error { return tc.err }).ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/x", nil))
			var got errorBody
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("writeError(%v): body %q: %v", tc.err, w.Body, err)
			}
			want := errorBody{StatusCode: tc.status, Message: tc.message, Error: statusNames[tc.status], Reason: tc.reason}
			if w.Code != tc.status || got != want {
				t.Errorf("writeError(%v) = %d %+v, want %d %+v", tc.err, w.Code, got, tc.status, want)
			}
			if tc.header != "" {
				if h := headerLine(w.Header(), tc.header); h != tc.header {
					t.Errorf("writeError(%v): header %q, want %q", tc.err, h, tc.header)
				}
			}
		})
	}
}

// headerLine renders the header named in want as "Name: value".
func headerLine(h http.Header, want string) string {
	name, _, _ := strings.Cut(want, ":")
	return name + ": " + h.Get(name)
}

// TestRoutes checks the patterns under a prefix and under the empty
// prefix (the vendor's native paths).
func TestRoutes(t *testing.T) {
	b := dialect.Binding{Svc: new(auth.Service), Tenant: &auth.Tenant{}, Client: &auth.Client{}}
	for _, pfx := range []string{"", "/icredit", "/api/legacy"} {
		b.Prefix = pfx
		s, err := New(b)
		if err != nil {
			t.Fatalf("New(prefix %q): %v", pfx, err)
		}
		routes := s.Routes()
		for _, p := range []string{"POST " + pfx + "/api/v1/auth/login", "POST " + pfx + "/api/v1/auth/refresh",
			"POST " + pfx + "/api/v1/auth/logout", "POST " + pfx + "/api/v1/auth/update-password", "GET " + pfx + "/api/v1/users/me"} {
			if routes[p] == nil {
				t.Errorf("New(prefix %q).Routes() lacks %q", pfx, p)
			}
		}
	}
}

// TestNewRefusesOptions checks that a mount option the dialect does not
// know fails the start (STYLE.md: fail at start, not at request time).
func TestNewRefusesOptions(t *testing.T) {
	b := dialect.Binding{Svc: new(auth.Service), Tenant: &auth.Tenant{}, Client: &auth.Client{}, Options: map[string]string{"grace": "5s"}}
	if _, err := New(b); err == nil {
		t.Errorf("New(options %v) = nil error, want the unknown option refused", b.Options)
	}
	if _, err := New(dialect.Binding{}); err == nil {
		t.Errorf("New(empty binding) = nil error, want an error")
	}
}
