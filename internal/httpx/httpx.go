// Package httpx holds what every surface shares at the HTTP edge: the
// error-returning handler adapter, body limits, strict form decoding,
// request metadata and the trace id.
package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/renova-auth/renova/internal/auth"
)

// MaxBody is the largest request body any surface reads (issue 2: 64 KiB).
const MaxBody = 64 << 10

// HandlerFunc is a handler that returns its error; one ErrorWriter per
// surface turns the error into that surface's wire shape.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ErrorWriter writes err in a surface's own shape.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, err error)

// Adapt turns h into an http.Handler whose errors go to write.
func Adapt(h HandlerFunc, write ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			write(w, r, err)
		}
	})
}

// DecodeError is a client mistake found while decoding a request.
type DecodeError struct {
	Status  int    // 400, 413 or 415
	Field   string // the offending field, if any
	Problem string
	Got     string // for a wrong-type member: the JSON type found ("number")
}

func (e *DecodeError) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Problem
	}
	return e.Problem
}

// Bad returns a 400 DecodeError.
func Bad(field, format string, args ...any) *DecodeError {
	return &DecodeError{Status: http.StatusBadRequest, Field: field, Problem: fmt.Sprintf(format, args...)}
}

// ReadBody reads at most MaxBody bytes. A larger declared Content-Length is
// refused before reading anything; a larger streamed body stops at the limit.
func ReadBody(r *http.Request) ([]byte, error) {
	tooLarge := &DecodeError{Status: http.StatusRequestEntityTooLarge, Problem: fmt.Sprintf("request body larger than %d bytes", MaxBody)}
	if r.ContentLength > MaxBody {
		return nil, tooLarge
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return nil, Bad("", "cannot read request body")
	}
	if len(b) > MaxBody {
		return nil, tooLarge
	}
	return b, nil
}

// MediaType returns the lower-cased media type of the Content-Type header.
func MediaType(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return strings.ToLower(mt)
}

// Form decodes an application/x-www-form-urlencoded body strictly: the
// content type must match, and a parameter present twice is an error
// (RFC 6749 §3.2: "parameters MUST NOT be included more than once").
func Form(r *http.Request) (url.Values, error) {
	if MediaType(r) != "application/x-www-form-urlencoded" {
		return nil, &DecodeError{Status: http.StatusBadRequest, Field: "Content-Type", Problem: "must be application/x-www-form-urlencoded"}
	}
	body, err := ReadBody(r)
	if err != nil {
		return nil, err
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, Bad("", "malformed form body")
	}
	for k, vs := range v {
		if len(vs) > 1 {
			return nil, Bad(k, "parameter %q given more than once", k)
		}
	}
	return v, nil
}

// WriteJSON writes v as JSON with status and no-store caching, as RFC 6749
// §5.1 requires of token responses.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // JSON APIs, not HTML: keep < > & as they are
	_ = enc.Encode(v)
}

// WriteBody writes a finished body of the given media type in UTF-8, with
// the no-store caching of token responses (RFC 6749 §5.1), which errors
// share.
func WriteBody(w http.ResponseWriter, status int, mediaType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", mediaType+"; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

type traceKey struct{}

// WithTrace gives every request a trace id in its context and echoes it
// in the response's X-Trace-Id. The id is the caller's X-Trace-Id when it
// sent a sane one; else the trace id of a valid W3C traceparent (so a
// request traced upstream keeps its trace); else a fresh random one.
// X-Trace-Id wins when both are sent: it is renova's own, and a caller
// that sends it chose it on purpose.
func WithTrace(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Trace-Id")
		if !saneTrace(id) {
			id = traceparentID(r.Header.Get("traceparent"))
		}
		if id == "" {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Trace-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), traceKey{}, id)))
	})
}

// traceparentID returns the trace id of a W3C Trace Context traceparent
// header of version 00 ("00-<32 hex trace id>-<16 hex parent id>-<2 hex
// flags>", lower-case, neither id all zeros), or "" for anything else.
func traceparentID(h string) string {
	parts := strings.Split(h, "-")
	if len(parts) != 4 || parts[0] != "00" || !lowerHex(parts[1], 32) || !lowerHex(parts[2], 16) || !lowerHex(parts[3], 2) {
		return ""
	}
	if strings.Trim(parts[1], "0") == "" || strings.Trim(parts[2], "0") == "" {
		return ""
	}
	return parts[1]
}

// lowerHex reports whether s is n lower-case hex digits.
func lowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func saneTrace(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// TraceID returns the request's trace id.
func TraceID(ctx context.Context) string {
	id, _ := ctx.Value(traceKey{}).(string)
	return id
}

// Meta collects the request metadata the core records. The IP is the
// client address WithClientIP resolved (behind trusted proxies, the real
// client's), else the socket peer.
func Meta(r *http.Request) auth.Meta {
	ip := ClientIP(r.Context())
	if ip == "" {
		ip = socketIP(r.RemoteAddr)
	}
	return auth.Meta{IP: ip, UserAgent: r.UserAgent(), TraceID: TraceID(r.Context())}
}

// Internal logs an unexpected error once with the trace id; the client only
// learns that something failed and which trace id to quote.
func Internal(logger *slog.Logger, r *http.Request, err error) {
	logger.ErrorContext(r.Context(), "internal error", "err", err, "path", r.URL.Path, "trace_id", TraceID(r.Context()))
}

// IsDecode returns err as a *DecodeError, if it is one.
func IsDecode(err error) *DecodeError {
	var de *DecodeError
	if errors.As(err, &de) {
		return de
	}
	return nil
}

// Bearer returns the token of an "Authorization: Bearer" header.
func Bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	t := strings.TrimSpace(h[7:])
	return t, t != ""
}

// Status is the HTTP status RFC 6749 §5.2 (and RFC 6750 §3.1) give an
// auth error code; dialects with their own conventions override it.
func Status(code string) int {
	switch code {
	case auth.InvalidClient, auth.InvalidToken:
		return http.StatusUnauthorized
	case auth.TemporarilyUnavailable:
		return http.StatusServiceUnavailable
	case auth.ServerError:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}
