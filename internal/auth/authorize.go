package auth

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// maxNonce bounds the nonce kept with a code and echoed in the ID token.
const maxNonce = 512

// Authorize checks req. If the client is unknown or the redirect URI is
// not one it registered, it returns (nil, err): the surface must show an
// error page and never redirect (no open redirect, RFC 6749 §4.1.2.1).
// Once the redirect URI is trusted, every other problem comes back as
// (a, err) with a non-nil a: the surface redirects err's code to
// a.RedirectURI with a.State. err is an *Error in every case.
func (s *Service) Authorize(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	if req.ClientID == "" {
		return nil, errorf(InvalidRequest, "client_id is required")
	}
	c, err := s.client(ctx, req.ClientID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(InvalidRequest, "unknown client")
	}
	if err != nil {
		return nil, storeErr("load client", err)
	}
	ten, err := s.tenant(ctx, c.TenantID)
	if err != nil {
		return nil, storeErr("load tenant", err)
	}
	redirect, err := redirectURI(c, req.RedirectURI)
	if err != nil {
		return nil, err
	}
	a := &Authorization{Client: c, Tenant: ten, RedirectURI: redirect, State: req.State, Nonce: req.Nonce,
		MaxAge: -1, LoginHint: req.LoginHint, UILocales: req.UILocales}
	return a, a.check(req)
}

// check validates everything after the redirect URI, filling a; the
// first problem wins, as RFC 6749 §4.1.2.1 returns one error.
func (a *Authorization) check(req AuthorizeRequest) error {
	c := a.Client
	switch {
	case req.ResponseType == "":
		return errorf(InvalidRequest, "response_type is required")
	case req.ResponseType != "code":
		return errorf(UnsupportedResponseType, "only response_type=code is supported")
	case req.ResponseMode != "" && req.ResponseMode != "query":
		return errorf(InvalidRequest, "only response_mode=query is supported")
	case !allows(c, "authorization_code"):
		return errorf(UnauthorizedClient, "client may not use the authorization code grant")
	case len(req.Nonce) > maxNonce:
		return errorf(InvalidRequest, "nonce is too long")
	}
	if err := checkChallenge(c, req.CodeChallenge, req.CodeChallengeMethod); err != nil {
		return err
	}
	a.Challenge = req.CodeChallenge
	var err error
	if a.Scope, err = authorizeScope(c, req.Scope); err != nil {
		return err
	}
	if a.Prompt, err = prompt(req.Prompt); err != nil {
		return err
	}
	a.MaxAge, err = maxAge(req.MaxAge)
	return err
}

// redirectURI resolves the redirect URI of a request: an exact string
// match against the registered ones (RFC 6749 §3.1.2.3, no normalisation,
// so case, an added query or a fragment all fail), the loopback rule for a
// public client (RFC 8252 §7.3), or the one registered URI when none was
// sent.
func redirectURI(c *store.Client, uri string) (string, error) {
	if uri == "" {
		if len(c.RedirectURIs) == 1 {
			return c.RedirectURIs[0], nil
		}
		return "", errorf(InvalidRequest, "redirect_uri is required")
	}
	if slices.Contains(c.RedirectURIs, uri) {
		return uri, nil
	}
	if c.Public && slices.ContainsFunc(c.RedirectURIs, func(reg string) bool { return loopbackMatch(reg, uri) }) {
		return uri, nil
	}
	return "", errorf(InvalidRequest, "redirect_uri is not registered for this client")
}

// loopbackMatch reports whether uri is the registered loopback URI reg on
// another port: a native app listens on an ephemeral port of 127.0.0.1 or
// [::1] (RFC 8252 §7.3). Scheme, host, path and query must be the same.
func loopbackMatch(reg, uri string) bool {
	r, err1 := url.Parse(reg)
	u, err2 := url.Parse(uri)
	if err1 != nil || err2 != nil || !isLoopback(r) || !isLoopback(u) {
		return false
	}
	return r.Hostname() == u.Hostname() && r.EscapedPath() == u.EscapedPath() && r.RawQuery == u.RawQuery &&
		u.Fragment == "" && u.RawFragment == "" && !strings.Contains(uri, "#") && validPort(u.Port())
}

// isLoopback reports whether u is an http URL on a loopback IP literal
// ("localhost" is not accepted, RFC 8252 §8.3).
func isLoopback(u *url.URL) bool {
	h := u.Hostname()
	return u.Scheme == "http" && u.User == nil && u.Opaque == "" && (h == "127.0.0.1" || h == "::1")
}

// validPort accepts an empty port or a decimal one in 1..65535.
func validPort(p string) bool {
	if p == "" {
		return true
	}
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n <= 65535 && strconv.Itoa(n) == p
}

// checkChallenge applies RFC 7636 §4.3: S256 only (plain is refused, as
// RFC 9700 §2.1.1 advises), required for public clients, and the
// challenge shaped like a verifier's digest.
func checkChallenge(c *store.Client, challenge, method string) error {
	switch {
	case challenge == "" && method != "":
		return errorf(InvalidRequest, "code_challenge_method without code_challenge")
	case challenge == "" && c.Public:
		return errorf(InvalidRequest, "PKCE (code_challenge with S256) is required for this client")
	case challenge == "":
		return nil
	case method != "S256":
		return errorf(InvalidRequest, "code_challenge_method must be S256")
	case !pkceValue(challenge):
		return errorf(InvalidRequest, "code_challenge is malformed")
	}
	return nil
}

// pkceValue reports whether v has the shape RFC 7636 §4.1 gives a
// verifier (43 to 128 unreserved characters); an S256 challenge, 43
// base64url characters, has it too.
func pkceValue(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for _, r := range v {
		ok := r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~", r)
		if !ok {
			return false
		}
	}
	return true
}

// authorizeScope keeps the requested scopes the client may have; unknown
// ones are dropped (RFC 6749 §3.3 lets the server grant less), and nothing
// left is invalid_scope. An empty request gets the client's scopes.
func authorizeScope(c *store.Client, requested string) (string, error) {
	if strings.TrimSpace(requested) == "" {
		return grantScope(c, "")
	}
	var out []string
	for _, sc := range strings.Fields(requested) {
		if slices.Contains(c.Scopes, sc) && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		return "", errorf(InvalidScope, "none of the requested scopes is allowed for this client")
	}
	return strings.Join(out, " "), nil
}

// prompt accepts "none" or "login" (OIDC Core §3.1.2.1); consent and
// select_account are not offered, and none mixed with another is an
// error by the spec.
func prompt(p string) (string, error) {
	vals := strings.Fields(p)
	switch {
	case len(vals) == 0:
		return "", nil
	case len(vals) == 1 && (vals[0] == "none" || vals[0] == "login"):
		return vals[0], nil
	case slices.Contains(vals, "none"):
		return "", errorf(InvalidRequest, "prompt=none cannot be combined with other values")
	}
	return "", errorf(InvalidRequest, "only prompt=none and prompt=login are supported")
}

// maxAge parses max_age, a non-negative number of seconds; -1 when absent.
func maxAge(v string) (time.Duration, error) {
	if v == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 0 {
		return -1, errorf(InvalidRequest, "max_age must be a non-negative integer")
	}
	return time.Duration(n) * time.Second, nil
}
