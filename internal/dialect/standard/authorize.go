package standard

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// maxQuery bounds an authorization request's query string: the longest
// honest one (state, nonce, a challenge, a few scopes) is well under it.
const maxQuery = 4 << 10

// authorizeParams are the parameters of an authorization request that the
// login form carries along in hidden fields, in the order it writes them.
var authorizeParams = []string{"client_id", "redirect_uri", "response_type", "response_mode", "scope", "state",
	"nonce", "code_challenge", "code_challenge_method", "prompt", "max_age", "login_hint", "ui_locales"}

// authorize serves GET and POST /oauth2/authorize (RFC 6749 §4.1.1, OIDC
// Core §3.1.2). Errors the core finds before it trusts the redirect URI
// come back with a nil Authorization and end on the error page; the others
// go back to the client (RFC 6749 §4.1.2.1).
func (s *Surface) authorize(w http.ResponseWriter, r *http.Request) error {
	q, err := requestParams(r)
	if err != nil {
		return err
	}
	a, err := s.svc.Authorize(r.Context(), decodeAuthorize(q, httpx.Meta(r)))
	if err != nil {
		return s.refuse(w, r, a, err)
	}
	b, err := s.browser(r)
	if err != nil {
		return s.refuse(w, r, a, err)
	}
	if !s.svc.NeedsLogin(a, b) {
		return s.issue(w, r, a, b)
	}
	if a.Prompt == "none" {
		return s.refuse(w, r, a, &auth.Error{Code: auth.LoginRequired, Description: "the user is not signed in"})
	}
	return s.loginPage(w, r, a, q, "", http.StatusOK)
}

// requestParams decodes the query of a GET or the form of a POST, at most
// maxQuery bytes, each parameter at most once (RFC 6749 §3.1).
func requestParams(r *http.Request) (url.Values, error) {
	if r.Method == http.MethodPost {
		return httpx.Form(r)
	}
	if len(r.URL.RawQuery) > maxQuery {
		return nil, &httpx.DecodeError{Status: http.StatusRequestURITooLong, Problem: fmt.Sprintf("query larger than %d bytes", maxQuery)}
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, httpx.Bad("", "malformed query")
	}
	for k, vs := range q {
		if len(vs) > 1 {
			return nil, httpx.Bad(k, "parameter %q given more than once", k)
		}
	}
	return q, nil
}

// decodeAuthorize maps the wire parameters onto the core's request.
func decodeAuthorize(q url.Values, m auth.Meta) auth.AuthorizeRequest {
	return auth.AuthorizeRequest{ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"),
		ResponseType: q.Get("response_type"), ResponseMode: q.Get("response_mode"), Scope: q.Get("scope"),
		State: q.Get("state"), Nonce: q.Get("nonce"), CodeChallenge: q.Get("code_challenge"),
		CodeChallengeMethod: q.Get("code_challenge_method"), Prompt: q.Get("prompt"), MaxAge: q.Get("max_age"),
		LoginHint: q.Get("login_hint"), UILocales: q.Get("ui_locales"), Meta: m}
}

// issue ends a successful authorization: a code for browser session b,
// sent to the client's redirect URI with state and, per RFC 9207, iss.
func (s *Surface) issue(w http.ResponseWriter, r *http.Request, a *auth.Authorization, b *auth.BrowserSession) error {
	code, err := s.svc.Code(r.Context(), a, b, httpx.Meta(r))
	if err != nil {
		return s.refuse(w, r, a, err)
	}
	return s.redirect(w, a, url.Values{"code": {code}})
}

// refuse answers err. Without a trusted redirect URI (a is nil) the error
// page shows it; with one, the client hears it (RFC 6749 §4.1.2.1), an
// unexpected error as server_error after it is logged with the trace id.
func (s *Surface) refuse(w http.ResponseWriter, r *http.Request, a *auth.Authorization, err error) error {
	if a == nil {
		return err
	}
	ae := auth.AsError(err)
	if ae == nil {
		httpx.Internal(s.logger, r, err)
		ae = &auth.Error{Code: auth.ServerError, Description: httpx.InternalMessage(httpx.TraceID(r.Context()))}
	}
	v := url.Values{"error": {ae.Code}}
	if ae.Description != "" {
		v.Set("error_description", ae.Description)
	}
	return s.redirect(w, a, v)
}

// redirect sends the browser to a's redirect URI with v, state and iss
// added to the URI's own query, which stays as registered (RFC 6749
// §3.1.2: the query component must be retained).
func (s *Surface) redirect(w http.ResponseWriter, a *auth.Authorization, v url.Values) error {
	u, err := url.Parse(a.RedirectURI)
	if err != nil {
		return fmt.Errorf("registered redirect URI does not parse: %w", err)
	}
	if a.State != "" {
		v.Set("state", a.State)
	}
	v.Set("iss", s.svc.Issuer())
	u.RawQuery = strings.TrimPrefix(u.RawQuery+"&"+v.Encode(), "&")
	u.Fragment, u.RawFragment = "", ""
	w.Header().Set("Location", u.String())
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(http.StatusFound)
	return nil
}

// browser returns the browser session of the request's cookie, nil when
// there is none or it is no longer live.
func (s *Surface) browser(r *http.Request) (*auth.BrowserSession, error) {
	c, err := r.Cookie(browserCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	b, err := s.svc.Browser(r.Context(), c.Value)
	if errors.Is(err, auth.ErrNotFound) {
		return nil, nil
	}
	return b, err
}
