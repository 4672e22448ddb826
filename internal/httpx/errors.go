package httpx

import (
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/renova-auth/renova/internal/auth"
)

// Problem is an error sorted for answering: every surface answers the same
// three kinds, each in its own words.
type Problem struct {
	Status  int
	Err     error        // what the handler returned
	Decode  *DecodeError // set when the client's request could not be decoded
	Auth    *auth.Error  // set for a refusal the surface knows (core or its own)
	TraceID string
}

// Internal reports an unexpected error: logged with the trace id, and
// answered with the surface's generic 500 that says nothing else.
func (p Problem) Internal() bool { return p.Status == http.StatusInternalServerError }

// Errors is one surface's error vocabulary around the shared skeleton:
// Status classifies what is not a decode error, Write puts a Problem on
// the wire in the surface's shape.
type Errors struct {
	Logger *slog.Logger
	// Status gives the HTTP status of a handler error that is not a
	// *DecodeError, or false when the surface does not know it (it is then
	// internal). A 500 is internal too.
	Status func(err error) (int, bool)
	// Write writes the body (and any surface-specific header) of p.
	Write func(w http.ResponseWriter, r *http.Request, p Problem)
}

// Handle adapts an error-returning handler to this surface's errors.
func (e Errors) Handle(h HandlerFunc) http.Handler { return Adapt(h, e.Answer) }

// Answer sorts err and writes it: a decode error with its own status
// (400, 413, 415); a known refusal with the status Status gives, its cause
// logged at info and, when the status is 503, a Retry-After from the core's
// delay; anything else logged once as internal and answered 500.
func (e Errors) Answer(w http.ResponseWriter, r *http.Request, err error) {
	p := Problem{Err: err, TraceID: TraceID(r.Context())}
	status, known := 0, false
	if p.Decode = IsDecode(err); p.Decode != nil {
		status, known = p.Decode.Status, true
	} else {
		status, known = e.Status(err)
	}
	switch {
	case !known || status == http.StatusInternalServerError:
		Internal(e.logger(), r, err)
		p.Decode, status = nil, http.StatusInternalServerError
	case p.Decode == nil:
		p.Auth = auth.AsError(err)
		e.refused(w, r, status, err, p.Auth)
	}
	p.Status = status
	e.Write(w, r, p)
}

// refused logs the cause of a known refusal and sets Retry-After: on a 503
// always (from the error's delay, at least 1 s), on a 429 when the error
// names a delay (RFC 9110 §10.2.3, RFC 6585 §4).
func (e Errors) refused(w http.ResponseWriter, r *http.Request, status int, err error, ae *auth.Error) {
	if ae != nil && ae.Cause != nil {
		e.logger().InfoContext(r.Context(), "request refused", "code", ae.Code, "reason", ae.Reason,
			"err", ae.Cause, "trace_id", TraceID(r.Context()))
	}
	var rt retryer
	if !errors.As(err, &rt) {
		return
	}
	if d := rt.RetryIn(); status == http.StatusServiceUnavailable || (status == http.StatusTooManyRequests && d > 0) {
		w.Header().Set("Retry-After", RetryAfter(d))
	}
}

// retryer is a refusal that says when to try again: the core's
// *auth.Error, or a surface's own (HDI's creation limit).
type retryer interface{ RetryIn() time.Duration }

func (e Errors) logger() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}

// OAuthError is the error body of RFC 6749 §5.2 plus renova's stable reason
// (PRODUCT.md §2 "Unclear errors"). In XML, which the OWIN servers of the
// .NET vendors also spoke, its members are children of an unqualified
// <Error> root, the root ASP.NET Web API gives its own XML errors.
type OAuthError struct {
	XMLName     xml.Name `json:"-" xml:"Error"`
	Error       string   `json:"error" xml:"error"`
	Description string   `json:"error_description,omitempty" xml:"error_description,omitempty"`
	Reason      string   `json:"reason,omitempty" xml:"reason,omitempty"`
}

// OAuth words p as an OAuthError: a decode error is invalid_request with
// its problem, a refusal keeps the core's code, description and reason,
// anything else is server_error quoting only the trace id.
func OAuth(p Problem) OAuthError {
	switch {
	case p.Internal():
		return OAuthError{Error: auth.ServerError, Description: InternalMessage(p.TraceID)}
	case p.Decode != nil:
		return OAuthError{Error: auth.InvalidRequest, Description: p.Decode.Error()}
	case p.Auth != nil:
		return OAuthError{Error: p.Auth.Code, Description: p.Auth.Description, Reason: p.Auth.Reason}
	}
	return OAuthError{Error: auth.InvalidRequest} // a surface's own refusal that is not an auth.Error
}

// ByCode is a Status function from a table of core error codes: an
// *auth.Error whose code is in table gets that status.
func ByCode(table map[string]int) func(error) (int, bool) {
	return func(err error) (int, bool) {
		ae := auth.AsError(err)
		if ae == nil {
			return 0, false
		}
		s, ok := table[ae.Code]
		return s, ok
	}
}

// RetryAfter renders a delay as the Retry-After header wants it (RFC 9110
// §10.2.3): whole seconds, rounded up, at least 1.
func RetryAfter(d time.Duration) string {
	secs := d / time.Second // divide first: d + 1s could overflow
	if d%time.Second > 0 {
		secs++
	}
	return strconv.FormatInt(max(int64(secs), 1), 10)
}

// InternalMessage is the one sentence a 500 tells the client: nothing but
// the trace id to quote.
func InternalMessage(traceID string) string { return "internal error; trace id " + traceID }
