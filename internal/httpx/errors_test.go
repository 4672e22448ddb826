package httpx

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
)

// errCustom is a refusal a surface knows that is not an *auth.Error.
var errCustom = errors.New("surface refusal")

// testStatus is a surface's Status: a code table, plus one error of its own.
func testStatus(err error) (int, bool) {
	if errors.Is(err, errCustom) {
		return http.StatusConflict, true
	}
	return ByCode(map[string]int{
		auth.InvalidGrant:           http.StatusBadRequest,
		auth.InvalidClient:          http.StatusUnauthorized,
		auth.TemporarilyUnavailable: http.StatusServiceUnavailable,
		auth.ServerError:            http.StatusInternalServerError,
	})(err)
}

// logLines returns a logger writing text lines without times, and the
// lines written so far.
func logLines() (*slog.Logger, func() []string) {
	var buf bytes.Buffer
	h := slog.NewTextHandler(&buf, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	})
	return slog.New(h), func() []string {
		s := strings.TrimSpace(buf.String())
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
}

// answer runs Errors.Answer for err behind WithTrace with trace id
// "trace-abc" and returns the response, the problem written and the log.
func answer(t *testing.T, err error) (*httptest.ResponseRecorder, []Problem, []string) {
	t.Helper()
	logger, lines := logLines()
	var written []Problem
	e := Errors{
		Logger: logger,
		Status: testStatus,
		Write: func(w http.ResponseWriter, r *http.Request, p Problem) {
			written = append(written, p)
			w.WriteHeader(p.Status)
		},
	}
	h := WithTrace(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.Answer(w, r, err) }))
	r := httptest.NewRequest(http.MethodPost, "/token", nil)
	r.Header.Set("X-Trace-Id", "trace-abc")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w, written, lines()
}

func TestErrorsAnswer(t *testing.T) {
	bad := Bad("username", "is required")
	tooLarge := &DecodeError{Status: http.StatusRequestEntityTooLarge, Problem: "too large"}
	unsupported := &DecodeError{Status: http.StatusUnsupportedMediaType, Field: "Content-Type", Problem: "must be application/json"}
	decode500 := &DecodeError{Status: http.StatusInternalServerError, Problem: "odd"}
	grant := &auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonReused}
	client := &auth.Error{Code: auth.InvalidClient, Cause: errors.New("secret mismatch")}
	busy := func(d time.Duration) *auth.Error {
		return &auth.Error{Code: auth.TemporarilyUnavailable, RetryAfter: d}
	}
	busy1500ms, busy0, busy894 := busy(1500*time.Millisecond), busy(0), busy(894200*time.Millisecond)
	busyCause := &auth.Error{Code: auth.TemporarilyUnavailable, Reason: "throttled", RetryAfter: 3 * time.Second, Cause: errors.New("too many attempts")}
	server := &auth.Error{Code: auth.ServerError, Cause: errors.New("disk full")}
	unknownCode := &auth.Error{Code: auth.InvalidScope}
	plain := errors.New("db down")

	for _, tc := range []struct {
		name       string
		err        error
		status     int
		decode     *DecodeError
		auth       *auth.Error
		retryAfter string // "" means no header
		logLevel   string // "" means nothing logged
		logHas     []string
	}{
		{"decode 400", bad, 400, bad, nil, "", "", nil},
		{"decode 413", tooLarge, 413, tooLarge, nil, "", "", nil},
		{"decode 415", unsupported, 415, unsupported, nil, "", "", nil},
		{"wrapped decode", fmt.Errorf("reading: %w", bad), 400, bad, nil, "", "", nil},
		{"auth 400", grant, 400, nil, grant, "", "", nil},
		{"wrapped auth", fmt.Errorf("refresh: %w", grant), 400, nil, grant, "", "", nil},
		{"auth 401 with cause logged", client, 401, nil, client, "", "INFO",
			[]string{`msg="request refused"`, "code=invalid_client", `err="secret mismatch"`, "trace_id=trace-abc"}},
		{"503 one and a half seconds", busy1500ms, 503, nil, busy1500ms, "2", "", nil},
		{"503 zero", busy0, 503, nil, busy0, "1", "", nil},
		{"503 894.2s", busy894, 503, nil, busy894, "895", "", nil},
		{"503 with cause logged", busyCause, 503, nil, busyCause, "3", "INFO",
			[]string{`msg="request refused"`, "code=temporarily_unavailable", "reason=throttled", `err="too many attempts"`, "trace_id=trace-abc"}},
		{"surface refusal", errCustom, 409, nil, nil, "", "", nil},
		{"unknown error", plain, 500, nil, nil, "", "ERROR",
			[]string{`msg="internal error"`, `err="db down"`, "path=/token", "trace_id=trace-abc"}},
		{"wrapped unknown error", fmt.Errorf("store: %w", plain), 500, nil, nil, "", "ERROR",
			[]string{`msg="internal error"`, `err="store: db down"`, "trace_id=trace-abc"}},
		{"auth code not in the table", unknownCode, 500, nil, nil, "", "ERROR",
			[]string{`msg="internal error"`, "trace_id=trace-abc"}},
		{"decode error with status 500 is internal", decode500, 500, nil, nil, "", "ERROR",
			[]string{`msg="internal error"`, "trace_id=trace-abc"}},
		{"known 500", server, 500, nil, nil, "", "ERROR",
			[]string{`msg="internal error"`, "disk full", "trace_id=trace-abc"}},
	} {
		w, written, lines := answer(t, tc.err)
		if w.Code != tc.status {
			t.Errorf("Answer(%s) status = %d, want %d", tc.name, w.Code, tc.status)
		}
		if len(written) != 1 {
			t.Errorf("Answer(%s) called Write %d times, want once", tc.name, len(written))
			continue
		}
		p := written[0]
		if p.Status != tc.status || p.Decode != tc.decode || p.Auth != tc.auth || p.Err != tc.err || p.TraceID != "trace-abc" {
			t.Errorf("Answer(%s) wrote %+v, want Status %d, Decode %v, Auth %v, Err %v, TraceID trace-abc",
				tc.name, p, tc.status, tc.decode, tc.auth, tc.err)
		}
		if p.Internal() != (tc.status == 500) {
			t.Errorf("Answer(%s) Problem.Internal() = %v, want %v", tc.name, p.Internal(), tc.status == 500)
		}
		if got := w.Header().Get("Retry-After"); got != tc.retryAfter {
			t.Errorf("Answer(%s) Retry-After = %q, want %q", tc.name, got, tc.retryAfter)
		}
		if tc.logLevel == "" {
			if len(lines) != 0 {
				t.Errorf("Answer(%s) logged %q, want nothing", tc.name, lines)
			}
			continue
		}
		if len(lines) != 1 {
			t.Errorf("Answer(%s) logged %d lines %q, want exactly one", tc.name, len(lines), lines)
			continue
		}
		if !strings.HasPrefix(lines[0], "level="+tc.logLevel+" ") {
			t.Errorf("Answer(%s) logged %q, want level %s", tc.name, lines[0], tc.logLevel)
		}
		for _, s := range tc.logHas {
			if !strings.Contains(lines[0], s) {
				t.Errorf("Answer(%s) logged %q, want it to contain %q", tc.name, lines[0], s)
			}
		}
	}
}

// TestErrorsAnswerNilLogger: a surface without a logger still answers.
func TestErrorsAnswerNilLogger(t *testing.T) {
	var got Problem
	e := Errors{Status: testStatus, Write: func(w http.ResponseWriter, r *http.Request, p Problem) { got = p; w.WriteHeader(p.Status) }}
	for _, err := range []error{errors.New("boom"), &auth.Error{Code: auth.InvalidClient, Cause: errors.New("c")}} {
		w := httptest.NewRecorder()
		e.Answer(w, httptest.NewRequest(http.MethodGet, "/", nil), err)
		if w.Code != got.Status || w.Code == 0 {
			t.Errorf("Answer(%v) without a logger = %d, problem %+v", err, w.Code, got)
		}
	}
}

func TestErrorsHandle(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		wantCode  int
		wantBody  string
		wantWrite int
	}{
		{"success", nil, http.StatusCreated, "made", 0},
		{"error", Bad("", "nope"), http.StatusBadRequest, "", 1},
	} {
		writes := 0
		e := Errors{Status: testStatus, Write: func(w http.ResponseWriter, r *http.Request, p Problem) {
			writes++
			w.WriteHeader(p.Status)
		}}
		h := e.Handle(func(w http.ResponseWriter, r *http.Request) error {
			if tc.err != nil {
				return tc.err
			}
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte("made"))
			return nil
		})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", nil))
		if w.Code != tc.wantCode || w.Body.String() != tc.wantBody || writes != tc.wantWrite {
			t.Errorf("Handle(%s) = %d %q with %d Write calls, want %d %q with %d",
				tc.name, w.Code, w.Body.String(), writes, tc.wantCode, tc.wantBody, tc.wantWrite)
		}
	}
}

func TestByCode(t *testing.T) {
	status := ByCode(map[string]int{auth.InvalidGrant: 400, auth.InvalidClient: 401, auth.TemporarilyUnavailable: 503})
	for _, tc := range []struct {
		name   string
		err    error
		status int
		known  bool
	}{
		{"listed", &auth.Error{Code: auth.InvalidGrant}, 400, true},
		{"listed 401", &auth.Error{Code: auth.InvalidClient}, 401, true},
		{"listed 503", &auth.Error{Code: auth.TemporarilyUnavailable}, 503, true},
		{"wrapped", fmt.Errorf("x: %w", &auth.Error{Code: auth.InvalidClient}), 401, true},
		{"code not listed", &auth.Error{Code: auth.InvalidScope}, 0, false},
		{"not an auth error", errors.New("db"), 0, false},
		{"decode error", Bad("", "x"), 0, false},
		{"nil", nil, 0, false},
	} {
		s, ok := status(tc.err)
		if s != tc.status || ok != tc.known {
			t.Errorf("ByCode(%s)(%v) = %d, %v, want %d, %v", tc.name, tc.err, s, ok, tc.status, tc.known)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Hour, "1"},
		{-1, "1"},
		{0, "1"},
		{1, "1"},
		{time.Millisecond, "1"},
		{999 * time.Millisecond, "1"},
		{time.Second, "1"},
		{time.Second + 1, "2"},
		{1500 * time.Millisecond, "2"},
		{2 * time.Second, "2"},
		{59 * time.Second, "59"},
		{time.Minute, "60"},
		{894200 * time.Millisecond, "895"},
		{895 * time.Second, "895"},
		{time.Hour + time.Nanosecond, "3601"},
		{24 * time.Hour, "86400"},
	} {
		if got := RetryAfter(tc.d); got != tc.want {
			t.Errorf("RetryAfter(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestRetryAfterHuge pins the rounding near the largest Duration: adding a
// second before dividing would overflow to a negative number and answer
// "1" instead of about 9223372037 seconds.
func TestRetryAfterHuge(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{math.MaxInt64 - time.Second, "9223372036"},
		{math.MaxInt64, "9223372037"},
	} {
		if got := RetryAfter(tc.d); got != tc.want {
			t.Errorf("RetryAfter(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestInternalMessage(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{"abc123", "internal error; trace id abc123"},
		{"", "internal error; trace id "},
	} {
		if got := InternalMessage(tc.id); got != tc.want {
			t.Errorf("InternalMessage(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
}

func TestProblemInternal(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   bool
	}{{500, true}, {503, false}, {400, false}, {0, false}} {
		if got := (Problem{Status: tc.status}).Internal(); got != tc.want {
			t.Errorf("Problem{Status: %d}.Internal() = %v, want %v", tc.status, got, tc.want)
		}
	}
}

// limited is a surface's own 429 refusal that names its delay.
type limited struct{ d time.Duration }

func (l limited) Error() string          { return "too many" }
func (l limited) RetryIn() time.Duration { return l.d }

// TestRetryAfterOn429: a 429 carries Retry-After when its error names a
// delay, and none when the delay is zero; the 503 rule is unchanged.
func TestRetryAfterOn429(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"429 with a delay", limited{2400 * time.Second}, "2400"},
		{"429 with a sub-second delay", limited{300 * time.Millisecond}, "1"},
		{"429 without a delay", limited{0}, ""},
	} {
		e := Errors{Status: func(error) (int, bool) { return http.StatusTooManyRequests, true },
			Write: func(w http.ResponseWriter, r *http.Request, p Problem) { w.WriteHeader(p.Status) }}
		w := httptest.NewRecorder()
		e.Answer(w, httptest.NewRequest(http.MethodPost, "/", nil), tc.err)
		if got := w.Header().Get("Retry-After"); w.Code != http.StatusTooManyRequests || got != tc.want {
			t.Errorf("Answer(%s) = %d Retry-After %q, want 429 and %q", tc.name, w.Code, got, tc.want)
		}
	}
}
