package icredit

import (
	"errors"
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// tokenResponse is the 200 body of login and refresh: the token pair with
// expires_in as a JSON number of seconds (issue 4). The seed's sample 200
// body is an empty object; this is the object iCredit clients read.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
}

// newTokenResponse renders a grant.
func newTokenResponse(g *auth.Grant) tokenResponse {
	return tokenResponse{AccessToken: g.AccessToken, RefreshToken: g.RefreshToken, TokenType: g.TokenType, ExpiresIn: g.ExpiresIn()}
}

// profile is the 200 body of GET /api/v1/users/me (shape documented in
// docs/dialects/icredit.md). Roles is always an array, never null.
type profile struct {
	ID       string     `json:"id"`
	Username string     `json:"username"`
	Name     string     `json:"name"`
	Email    string     `json:"email"`
	Roles    []string   `json:"roles"`
	Tenant   tenantView `json:"tenant"`
}

// tenantView is the tenant inside a profile.
type tenantView struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
	Code int64  `json:"code"`
}

// newProfile renders a user of tenant t.
func newProfile(u *auth.User, t *auth.Tenant) profile {
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return profile{ID: u.ID, Username: u.Login, Name: u.Name, Email: u.Email, Roles: roles,
		Tenant: tenantView{ID: t.ID, Slug: t.Slug, Name: t.Name, Code: t.Code}}
}

// errorBody is the error shape of NestJS's HttpException, which
// iCredit-style APIs answer with. Reason is renova's stable,
// machine-readable cause of a dead token (PRODUCT.md §2 "Unclear errors");
// NestJS clients ignore fields they do not know.
type errorBody struct {
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
	Error      string `json:"error"`
	Reason     string `json:"reason,omitempty"`
}

// statusNames are NestJS's "error" strings (its HttpStatus descriptions;
// 413 is "Payload Too Large" there, not net/http's wording).
var statusNames = map[int]string{
	http.StatusBadRequest:            "Bad Request",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "Not Found",
	http.StatusRequestEntityTooLarge: "Payload Too Large",
	http.StatusUnsupportedMediaType:  "Unsupported Media Type",
	http.StatusInternalServerError:   "Internal Server Error",
	http.StatusServiceUnavailable:    "Service Unavailable",
}

// codeStatus maps each core error code to the status iCredit clients
// expect: every dead token and bad credential is a 401 (so the front end
// sends the user back to login), a busy store is a 503 to retry.
var codeStatus = map[string]int{
	auth.InvalidRequest:         http.StatusBadRequest,
	auth.InvalidScope:           http.StatusBadRequest,
	auth.UnsupportedGrantType:   http.StatusBadRequest,
	auth.InvalidGrant:           http.StatusUnauthorized,
	auth.InvalidToken:           http.StatusUnauthorized,
	auth.InvalidClient:          http.StatusUnauthorized,
	auth.UnauthorizedClient:     http.StatusForbidden,
	auth.TemporarilyUnavailable: http.StatusServiceUnavailable,
	auth.ServerError:            http.StatusInternalServerError,
}

// statusError is an error that is only a status and a message (the 404 of
// a wrong method).
type statusError struct {
	status  int
	message string
}

func (e *statusError) Error() string { return e.message }

// notFound answers a known path asked with another method the way NestJS
// does: 404 "Cannot GET /path".
func notFound(w http.ResponseWriter, r *http.Request) error {
	return &statusError{status: http.StatusNotFound, message: "Cannot " + r.Method + " " + r.URL.Path}
}

// status classifies what is not a decode error: the dialect's own
// statusError as it is, core errors through codeStatus.
func status(err error) (int, bool) {
	var se *statusError
	if errors.As(err, &se) {
		return se.status, true
	}
	return httpx.ByCode(codeStatus)(err)
}

// writeError writes a Problem in the NestJS shape: decode errors phrased
// like NestJS's validation messages, refusals with the core's description
// and reason, anything else a 500 without detail (the X-Trace-Id response
// header names the log line).
func writeError(w http.ResponseWriter, r *http.Request, p httpx.Problem) {
	var se *statusError
	switch {
	case p.Internal():
		writeBody(w, p.Status, "Internal server error", "")
	case p.Decode != nil:
		writeBody(w, p.Status, decodeMessage(p.Decode), "")
	case errors.As(p.Err, &se):
		writeBody(w, p.Status, se.message, "")
	default:
		if p.Auth.Code == auth.InvalidToken {
			w.Header().Set("WWW-Authenticate", `Bearer realm="renova", error="invalid_token"`)
		}
		writeBody(w, p.Status, p.Auth.Description, p.Auth.Reason)
	}
}

// writeBody writes one NestJS error body.
func writeBody(w http.ResponseWriter, status int, message, reason string) {
	httpx.WriteJSON(w, status, errorBody{StatusCode: status, Message: message, Error: statusNames[status], Reason: reason})
}

// decodeMessage phrases a decode error like NestJS's validation messages
// ("refresh_token should not be empty", "refresh_token must be a string").
func decodeMessage(de *httpx.DecodeError) string {
	if de.Field == "" {
		return de.Problem
	}
	return de.Field + " " + de.Problem
}
