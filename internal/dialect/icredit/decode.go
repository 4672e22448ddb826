package icredit

import (
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/renova-auth/renova/internal/httpx"
)

// loginRequest is the body of POST /api/v1/auth/login: an e-mail or a user
// name, and a password. Both identifiers are matched by the core against
// the user's login and e-mail alike.
type loginRequest struct {
	Email    string `json:"email,omitempty"` // omitempty: the legacy client (legacy.go) sends one identifier
	Username string `json:"username,omitempty"`
	Password string `json:"password"`
}

// refreshRequest is the body of POST /api/v1/auth/refresh, exactly the
// seed's shape: {"refresh_token": "{{refreshToken}}"}.
type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// logoutRequest is the optional body of POST /api/v1/auth/logout.
type logoutRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// passwordRequest is the body of POST /api/v1/auth/update-password.
type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// readJSON checks the content type and reads the body (at most
// httpx.MaxBody bytes, else 413). The seed gives Content-Type a default of
// application/json, so a request without one is read as JSON; any other
// media type than JSON is refused with 415.
func readJSON(r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		return nil, &httpx.DecodeError{Status: http.StatusUnsupportedMediaType, Field: "Content-Type", Problem: "must be application/json"}
	}
	return httpx.ReadBody(r)
}

// isJSON reports whether a Content-Type header names JSON:
// application/json or a structured "+json" type (RFC 6839 §3.1).
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	mt = strings.ToLower(mt)
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// unmarshal decodes body, one JSON object, into v strictly: unknown fields
// are allowed, a field of the wrong type or given twice is refused naming
// the field (PRODUCT.md §6; issue 14: one rule on every surface). An empty body is an error unless optional.
func unmarshal(body []byte, v any, optional bool) error {
	return httpx.DecodeJSON(body, v, httpx.JSONOptions{AllowEmpty: optional, RefuseDuplicates: true})
}

// parseLogin decodes a login body; exactly one identifier is needed (both
// are accepted when they are equal).
func parseLogin(body []byte) (loginRequest, error) {
	var req loginRequest
	if err := unmarshal(body, &req, false); err != nil {
		return req, err
	}
	switch {
	case req.Email == "" && req.Username == "":
		return req, httpx.Bad("", "email or username should not be empty")
	case req.Email != "" && req.Username != "" && req.Email != req.Username:
		return req, httpx.Bad("", "send either email or username, not both")
	case req.Password == "":
		return req, httpx.Bad("password", "should not be empty")
	}
	return req, nil
}

// identifier is the login name or e-mail the user typed.
func (l loginRequest) identifier() string {
	if l.Email != "" {
		return l.Email
	}
	return l.Username
}

// parseRefresh decodes the seed's refresh body; refresh_token is required.
func parseRefresh(body []byte) (refreshRequest, error) {
	var req refreshRequest
	if err := unmarshal(body, &req, false); err != nil {
		return req, err
	}
	if req.RefreshToken == "" {
		return req, httpx.Bad("refresh_token", "should not be empty")
	}
	return req, nil
}

// parseLogout decodes the optional logout body; when present it must be a
// JSON object and refresh_token, if given, a string.
func parseLogout(body []byte) (logoutRequest, error) {
	var req logoutRequest
	return req, unmarshal(body, &req, true)
}

// parsePassword decodes a password change and applies the policy that
// needs no stored state: both fields present, the new password at least
// minLen characters (the core's MinPasswordLen) and different from the
// current one. The core checks the current password and the rest of the
// policy again.
func parsePassword(body []byte, minLen int) (passwordRequest, error) {
	var req passwordRequest
	if err := unmarshal(body, &req, false); err != nil {
		return req, err
	}
	switch {
	case req.CurrentPassword == "":
		return req, httpx.Bad("current_password", "should not be empty")
	case req.NewPassword == "":
		return req, httpx.Bad("new_password", "should not be empty")
	case utf8.RuneCountInString(req.NewPassword) < minLen:
		return req, httpx.Bad("new_password", "must be at least %d characters long", minLen)
	case req.NewPassword == req.CurrentPassword:
		return req, httpx.Bad("new_password", "must differ from current_password")
	}
	return req, nil
}
