package formulacerta

import (
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// ErrorCode values of a failed LoginResult. The seed only says ErrorCode is
// an integer; these are renova's, stable and listed in
// docs/dialects/formulacerta.md, one per kind of failure so a client knows
// whether to fix its request, retry, or log in again.
const (
	codeOK              = 0  // success
	codeInvalidInput    = 1  // missing field, wrong type, malformed, too large, unsupported content type
	codeBadCredentials  = 2  // unknown user, wrong password or disabled account (never told apart)
	codeInvalidToken    = 3  // AccessTokenOld not signed by us, not a JWT, no session, other client
	codeReused          = 4  // refresh token used before, outside the grace window: session revoked
	codeExpired         = 5  // session idle timeout or absolute lifetime passed
	codeRevoked         = 6  // session revoked (logout, reuse, password change, admin)
	codeSessionMismatch = 7  // refresh token of another session than AccessTokenOld's
	codeInvalidRefresh  = 8  // refresh token malformed, unknown or of another client
	codeUnavailable     = 9  // busy; retry after Retry-After
	codeNotPermitted    = 10 // the mount's client may not use this grant (configuration)
	codeInternal        = 99 // unexpected; logged with the trace id
)

// failure is how one kind of error goes on the wire.
type failure struct {
	code   int
	status int
}

// byReason maps the core's refresh and login reasons (checked first).
var byReason = map[string]failure{
	auth.ReasonCredentials:     {codeBadCredentials, http.StatusUnauthorized},
	auth.ReasonReused:          {codeReused, http.StatusUnauthorized},
	auth.ReasonExpiredIdle:     {codeExpired, http.StatusUnauthorized},
	auth.ReasonExpiredAbsolute: {codeExpired, http.StatusUnauthorized},
	auth.ReasonSessionRevoked:  {codeRevoked, http.StatusUnauthorized},
	auth.ReasonSessionMismatch: {codeSessionMismatch, http.StatusUnauthorized},
	auth.ReasonMalformed:       {codeInvalidRefresh, http.StatusUnauthorized},
	auth.ReasonUnknown:         {codeInvalidRefresh, http.StatusUnauthorized},
	auth.ReasonClientMismatch:  {codeInvalidRefresh, http.StatusUnauthorized},
}

// byCode maps the core's error codes when the reason did not decide.
var byCode = map[string]failure{
	auth.InvalidRequest:         {codeInvalidInput, http.StatusBadRequest},
	auth.InvalidScope:           {codeInvalidInput, http.StatusBadRequest},
	auth.InvalidGrant:           {codeInvalidRefresh, http.StatusUnauthorized},
	auth.InvalidToken:           {codeInvalidToken, http.StatusUnauthorized},
	auth.InvalidClient:          {codeNotPermitted, http.StatusUnauthorized},
	auth.UnauthorizedClient:     {codeNotPermitted, http.StatusBadRequest},
	auth.UnsupportedGrantType:   {codeNotPermitted, http.StatusBadRequest},
	auth.TemporarilyUnavailable: {codeUnavailable, http.StatusServiceUnavailable},
	auth.ServerError:            {codeInternal, http.StatusInternalServerError},
}

// classify returns the wire failure of a core error.
func classify(ae *auth.Error) (failure, bool) {
	if f, ok := byReason[ae.Reason]; ok {
		return f, true
	}
	f, ok := byCode[ae.Code]
	return f, ok
}

// status is the Status of the dialect's httpx.Errors: core errors through
// the tables above.
func status(err error) (int, bool) {
	ae := auth.AsError(err)
	if ae == nil {
		return 0, false
	}
	f, ok := classify(ae)
	return f.status, ok
}

// errs answers every failure with a LoginResult (Succeeded false, Errors,
// ErrorCode): decode errors with their own status (400, 413, 415), core
// errors through the tables above, anything else as a logged 500 that
// says nothing but the trace id.
func (s *Surface) errs() httpx.Errors {
	return httpx.Errors{Logger: s.logger, Status: status, Write: writeError}
}

// writeError writes the LoginResult of a failure.
func writeError(w http.ResponseWriter, r *http.Request, p httpx.Problem) {
	res := failed(codeInternal, httpx.InternalMessage(p.TraceID))
	switch {
	case p.Internal():
	case p.Decode != nil:
		res = failed(codeInvalidInput, p.Decode.Error())
	case p.Auth != nil:
		f, _ := classify(p.Auth)
		msg := p.Auth.Description
		if msg == "" {
			msg = p.Auth.Code
		}
		res = failed(f.code, msg)
	}
	writeResult(w, r, p.Status, res)
}

// failed is the LoginResult of a failure.
func failed(code int, msg string) *loginResult {
	return &loginResult{ErrorCode: code, Errors: []string{msg}}
}
