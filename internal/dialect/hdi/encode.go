package hdi

import (
	"errors"
	"net/http"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// codeResponse is the /authorize answer (issue 7: {"codeToken"}).
type codeResponse struct {
	CodeToken string `json:"codeToken"`
}

// tokenResponse is the /token and /tokenrenew answer (seed 003 response
// body: token, "Código final de acesso as APIs").
type tokenResponse struct {
	Token string `json:"token"`
}

// errorBody is the error answer of every call. Seed 003 shows none, so
// renova's is small and stable: code is a fixed machine-readable string per
// kind of error, message is for people, field names the offending header or
// body field, reason is the core's rotation reason (reused, expired_idle,
// session_revoked, ...) so a partner knows whether to authorize again.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// apiError is a refusal decided by the dialect itself (key, headers,
// applicationCode, token binding, renewal window).
type apiError struct {
	Status     int
	Code       string
	Message    string
	Field      string
	Reason     string
	RetryAfter time.Duration // sent as Retry-After when set (429)
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// RetryIn is the delay the 429 of the creation limit sends as Retry-After
// (httpx.Errors sets the header).
func (e *apiError) RetryIn() time.Duration { return e.RetryAfter }

// wire is a status and error code on the wire.
type wire struct {
	status int
	code   string
}

// coreErrors maps the core's error codes to HDI answers. invalid_grant is
// not here: what it means depends on the call (grantErrors).
var coreErrors = map[string]wire{
	auth.InvalidRequest:         {http.StatusBadRequest, "invalid_request"},
	auth.InvalidScope:           {http.StatusBadRequest, "invalid_request"},
	auth.InvalidClient:          {http.StatusUnauthorized, "invalid_key"},
	auth.InvalidToken:           {http.StatusUnauthorized, "invalid_token"},
	auth.UnauthorizedClient:     {http.StatusForbidden, "unauthorized_client"},
	auth.UnsupportedGrantType:   {http.StatusForbidden, "unauthorized_client"},
	auth.TemporarilyUnavailable: {http.StatusServiceUnavailable, "temporarily_unavailable"},
}

// grantErrors is the answer to a dead refresh token, per call: at
// /authorize a user who may not sign in (disabled), at /token a dead or
// reused codeToken (issue 7: 400, RFC 6749 §4.1.2 practice), at /tokenrenew
// a dead, reused or revoked chain (issue 7: 401).
var grantErrors = map[string]wire{
	"authorize":  {http.StatusForbidden, "access_denied"},
	"token":      {http.StatusBadRequest, "invalid_code_token"},
	"tokenrenew": {http.StatusUnauthorized, "invalid_token"},
}

// grantMessages words the core's reasons for a dead refresh token the way
// an HDI partner knows it: as a codeToken at /token, as a JWT's chain at
// /tokenrenew. A reason not listed keeps the core's description.
var grantMessages = map[string]map[string]string{
	"authorize": {
		auth.ReasonCredentials: "this user may not use the service",
	},
	"token": {
		auth.ReasonReused:          "codeToken was already used; the tokens issued from it are revoked",
		auth.ReasonExpiredIdle:     "codeToken expired; authorize again",
		auth.ReasonExpiredAbsolute: "codeToken expired; authorize again",
		auth.ReasonSessionRevoked:  "codeToken was revoked; authorize again",
		auth.ReasonMalformed:       "codeToken is not valid",
		auth.ReasonUnknown:         "codeToken is not valid",
		auth.ReasonClientMismatch:  "codeToken was issued for another API key",
	},
	"tokenrenew": {
		auth.ReasonReused:          "token was already renewed; every token of its chain is revoked",
		auth.ReasonExpiredIdle:     "the session of this token expired; authorize again",
		auth.ReasonExpiredAbsolute: "the session of this token expired; authorize again",
		auth.ReasonSessionRevoked:  "token was revoked; authorize again",
		auth.ReasonMalformed:       "token is not valid",
		auth.ReasonUnknown:         "token is not valid",
		auth.ReasonClientMismatch:  "token was issued for another API key",
	},
}

// decodeErrors maps a decode error's status to its code.
var decodeErrors = map[int]string{
	http.StatusBadRequest:            "invalid_request",
	http.StatusRequestEntityTooLarge: "payload_too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
}

// errs is the error vocabulary of one call: the dialect's own refusals
// as they are, decode errors by status, core errors by lookup table, and
// anything else as a logged 500 that only quotes the trace id.
func (s *Surface) errs(call string) httpx.Errors {
	return httpx.Errors{
		Logger: s.b.Logger,
		Status: func(err error) (int, bool) {
			status, _, ok := classify(call, err)
			return status, ok
		},
		Write: func(w http.ResponseWriter, r *http.Request, p httpx.Problem) {
			_, b, _ := classify(call, p.Err)
			switch {
			case p.Internal():
				b = errorBody{Code: "internal_error", Message: httpx.InternalMessage(p.TraceID)}
			case p.Decode != nil:
				b = errorBody{Code: decodeErrors[p.Status], Message: p.Decode.Error(), Field: p.Decode.Field}
			}
			httpx.WriteJSON(w, p.Status, b)
		},
	}
}

// classify gives the status and body of a refusal in call: the dialect's
// own apiError, or a core error (a server_error or anything else is not a
// refusal: false).
func classify(call string, err error) (int, errorBody, bool) {
	var e *apiError
	if errors.As(err, &e) {
		return e.Status, errorBody{Code: e.Code, Message: e.Message, Field: e.Field, Reason: e.Reason}, true
	}
	ae := auth.AsError(err)
	if ae == nil || ae.Code == auth.ServerError {
		return 0, errorBody{}, false
	}
	wr, ok := coreErrors[ae.Code]
	msg := ae.Description
	if ae.Code == auth.InvalidGrant {
		wr, ok = grantErrors[call]
		if m := grantMessages[call][ae.Reason]; m != "" {
			msg = m
		}
	}
	if !ok {
		wr = wire{http.StatusBadRequest, "invalid_request"}
	}
	return wr.status, errorBody{Code: wr.code, Message: msg, Reason: ae.Reason}, true
}

// missingHeader is the 400 for a required header that is absent.
func missingHeader(name string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "missing_header", Message: "header " + name + " is required", Field: name}
}

// badHeader is the 400 for a header present with an unusable value.
func badHeader(name, problem string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "invalid_header", Message: "header " + name + " " + problem, Field: name}
}

// forbidden is the 403 for a valid key used outside its company or service.
func forbidden(msg string) *apiError {
	return &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: msg}
}

// badToken is the 401 for a tokenrenew token that renova will not renew;
// reason says why (malformed, untrusted, mismatch, renewal_window_passed).
func badToken(reason, msg string) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Code: "invalid_token", Message: msg, Reason: reason}
}
