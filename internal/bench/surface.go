package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// Tokens are what a login or a refresh hands a client: the access token
// and the refresh token to present next (HDI renews the access token
// itself, so its Refresh is empty).
type Tokens struct {
	Access  string
	Refresh string
	User    string // the login the chain belongs to (HDI binds its JWT to X-User-Id)
}

// User is a login the bench may use.
type User struct {
	Login    string
	Password string
}

// Creds are what a target gives the load generator to authenticate with.
type Creds struct {
	ClientID     string
	ClientSecret string // empty for a public client
	Users        []User
	Tenant       string // tenant slug, for dialects that name the company
	TenantCode   int64
	APIKey       string // partner API key (HDI)
	AppCode      string // application code (HDI)
	Prefix       string // where the surface is mounted; default /<surface>

	// The browser sign-in (issue 12): a public client allowed the
	// authorization_code grant in the users' tenant, and its registered
	// redirect URI (nothing needs to listen there: the bench reads the
	// Location of the login form's answer).
	BrowserClientID string
	RedirectURI     string
}

// Surface is how one wire dialect logs in and refreshes, written as a
// request builder and a response parser so that a dialect is a small
// adapter (issue 8: --surface). Login may take several calls (HDI's
// authorize then token); Refresh is the hot path and is one request.
type Surface struct {
	Name string
	// Unavailable, when not empty, says why this surface cannot be
	// benchmarked yet; Lookup returns it as the error.
	Unavailable string
	// Client names the client the embedded target logs in with; empty
	// means the bench's own confidential client.
	Client  string
	Login   func(ctx context.Context, t *Target, u User) (Tokens, Outcome)
	Refresh func(t *Target, tok Tokens) (*http.Request, error)
	// Parse reads a login or refresh answer: the tokens on success, the
	// failure's reason otherwise.
	Parse func(status int, body []byte) (Tokens, string)
}

// surfaces is the explicit list of surfaces (no registry).
var surfaces = []*Surface{standardSurface, icreditSurface, consincoSurface, formulacertaSurface, hdiSurface}

// Lookup returns the surface called name, or an error naming the
// surfaces there are, or saying why this one is not available yet.
func Lookup(name string) (*Surface, error) {
	var names []string
	for _, s := range surfaces {
		if s.Name == name {
			if s.Unavailable != "" {
				return nil, fmt.Errorf("surface %s not available yet: %s", name, s.Unavailable)
			}
			return s, nil
		}
		names = append(names, s.Name)
	}
	return nil, fmt.Errorf("unknown surface %q (want one of %s)", name, strings.Join(names, ", "))
}

// oauthAnswer is the union of RFC 6749's success (§5.1) and error (§5.2)
// bodies, plus renova's reason.
type oauthAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	Error        string `json:"error"`
	Reason       string `json:"reason"`
}

// standardSurface is renova's own OAuth 2.0 token endpoint.
var standardSurface = &Surface{
	Name: "standard",
	Login: func(ctx context.Context, t *Target, u User) (Tokens, Outcome) {
		req, err := t.form("/oauth2/token", url.Values{"grant_type": {"password"}, "username": {u.Login}, "password": {u.Password}})
		if err != nil {
			return Tokens{}, Outcome{Reason: err.Error()}
		}
		return t.exchange(ctx, req, parseOAuth)
	},
	Refresh: func(t *Target, tok Tokens) (*http.Request, error) {
		return t.form("/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.Refresh}})
	},
	Parse: parseOAuth,
}

// parseOAuth reads an RFC 6749 answer; the reason is renova's reason
// field when there is one, else the error code.
func parseOAuth(status int, body []byte) (Tokens, string) {
	var a oauthAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return Tokens{}, "unparsable body"
	}
	if status/100 == 2 {
		return Tokens{Access: a.AccessToken, Refresh: a.RefreshToken}, ""
	}
	if a.Reason != "" {
		return Tokens{}, a.Reason
	}
	return Tokens{}, a.Error
}

// form builds a client-authenticated form POST to path on the target
// (client_secret_basic, or client_id alone for a public client).
func (t *Target) form(path string, v url.Values) (*http.Request, error) {
	if t.Creds.ClientSecret == "" {
		v.Set("client_id", t.Creds.ClientID)
	}
	req, err := http.NewRequest(http.MethodPost, t.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if t.Creds.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(t.Creds.ClientID), url.QueryEscape(t.Creds.ClientSecret))
	}
	return req, nil
}

// exchange sends req and parses the answer with parse.
func (t *Target) exchange(ctx context.Context, req *http.Request, parse func(int, []byte) (Tokens, string)) (Tokens, Outcome) {
	status, body, err := t.do(ctx, req)
	if err != nil {
		return Tokens{}, Outcome{Reason: transportReason(err)}
	}
	tok, reason := parse(status, body)
	return tok, Outcome{Status: status, Reason: reason}
}

// do sends req and reads the whole body.
func (t *Target) do(ctx context.Context, req *http.Request) (int, []byte, error) {
	resp, err := t.HTTP.Do(req.WithContext(ctx))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// transportReason names a failure below HTTP for the errors table.
func transportReason(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "out of local ports"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	return "transport: " + err.Error()
}
