package auth

import (
	"errors"
	"fmt"
	"time"
)

// Error codes: the closed set of RFC 6749 §5.2 plus the few renova needs.
// Every surface maps these onto its own wire shape.
const (
	InvalidRequest         = "invalid_request"
	InvalidClient          = "invalid_client"
	InvalidGrant           = "invalid_grant"
	UnauthorizedClient     = "unauthorized_client"
	UnsupportedGrantType   = "unsupported_grant_type"
	InvalidScope           = "invalid_scope"
	InvalidToken           = "invalid_token" // RFC 6750 §3.1, bearer endpoints
	TemporarilyUnavailable = "temporarily_unavailable"
	ServerError            = "server_error"
	// UnsupportedResponseType answers an authorization request whose
	// response_type is not "code" (RFC 6749 §4.1.2.1).
	UnsupportedResponseType = "unsupported_response_type"
	// LoginRequired answers prompt=none when the browser has no usable
	// session (OIDC Core §3.1.2.6).
	LoginRequired = "login_required"
	// AccessDenied answers an authorization the user or the server refused
	// (RFC 6749 §4.1.2.1).
	AccessDenied = "access_denied"
	// InsufficientScope answers a bearer token without the scope an
	// endpoint needs (RFC 6750 §3.1): the admin API's renova:admin.
	InsufficientScope = "insufficient_scope"
	// NotFound answers an administrator naming a record that does not
	// exist, or that lies in a tenant the administrator cannot see.
	NotFound = "not_found"
	// Conflict answers a write that would break a uniqueness rule (a
	// taken slug, login or client id), with Field naming it, or a state
	// rule (a key rotation too soon).
	Conflict = "conflict"
)

// Reasons say why a refresh token is dead (PRODUCT.md §2 "Unclear errors"),
// so a client knows whether to retry or to log in again.
const (
	ReasonReused          = "reused"
	ReasonExpiredIdle     = "expired_idle"
	ReasonExpiredAbsolute = "expired_absolute"
	ReasonSessionRevoked  = "session_revoked"
	ReasonClientMismatch  = "client_mismatch"
	ReasonMalformed       = "malformed"
	ReasonUnknown         = "unknown_token"
	ReasonCredentials     = "invalid_credentials"
	ReasonSessionMismatch = "session_mismatch"
	ReasonThrottled       = "throttled"   // too many failed logins; retry after Retry-After
	ReasonCodeReused      = "code_reused" // an authorization code presented twice (RFC 6749 §4.1.2)
	ReasonCodeExpired     = "code_expired"
	ReasonCodeMismatch    = "code_mismatch" // other client or other redirect_uri than the code's
	ReasonPKCE            = "pkce_failed"   // missing or wrong code_verifier (RFC 7636 §4.6)
)

// Error is what the core returns for anything a client should hear about.
// Description is safe to show; Cause is only logged.
type Error struct {
	Code   string
	Reason string
	// Field names the request field at fault, when there is one (an
	// admin API validation error or a uniqueness conflict).
	Field       string
	Description string
	RetryAfter  time.Duration // for TemporarilyUnavailable
	Cause       error
}

func (e *Error) Error() string {
	s := e.Code
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Cause }

// RetryIn is when the client may try again (RetryAfter); the surfaces'
// error skeleton (httpx.Errors) sends it as Retry-After.
func (e *Error) RetryIn() time.Duration { return e.RetryAfter }

// AsError returns err as an *Error, or nil when it is an internal error.
func AsError(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	return nil
}

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Description: fmt.Sprintf(format, args...)}
}

// deadToken is the invalid_grant for a refresh token that cannot be used.
func deadToken(reason string) *Error {
	desc := map[string]string{
		ReasonReused:          "refresh token was already used; the session is revoked",
		ReasonExpiredIdle:     "refresh token expired (idle timeout)",
		ReasonExpiredAbsolute: "refresh token expired (session lifetime reached)",
		ReasonSessionRevoked:  "the session of this refresh token was revoked",
		ReasonClientMismatch:  "refresh token was issued to another client",
		ReasonMalformed:       "refresh token is malformed",
		ReasonUnknown:         "refresh token is not known",
		ReasonSessionMismatch: "refresh token belongs to another session",
	}[reason]
	return &Error{Code: InvalidGrant, Reason: reason, Description: desc}
}

// badCredentials is the one answer for an unknown user, a wrong password and
// a disabled account, so none of them can be told apart.
var badCredentials = &Error{Code: InvalidGrant, Reason: ReasonCredentials, Description: "invalid username or password"}

// unavailable is the answer when the store does not answer in time.
func unavailable(cause error) *Error {
	return &Error{Code: TemporarilyUnavailable, Description: "the service is busy; retry shortly", RetryAfter: time.Second, Cause: cause}
}
