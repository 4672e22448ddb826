package standard

import (
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// Cookies of the browser flow. The browser session cookie holds the
// secret the core hashes; the pre-login cookie is a random value the
// login form's CSRF token is an HMAC of, so a form only works in the
// browser it was shown to (OWASP "signed double-submit cookie").
const (
	browserCookie = "renova_bs"
	csrfCookie    = "renova_csrf"
)

// loginPath is where the hosted login form posts.
const loginPath = "/oauth2/login"

// errCSRF refuses a login form whose CSRF token is missing or not the
// one of this browser.
var errCSRF = &auth.Error{Code: auth.InvalidRequest, Reason: "csrf",
	Description: "the sign-in form expired or did not come from this browser"}

// loginPage shows the login form for a, carrying the request's parameters
// q in hidden fields; the POST re-validates them with Authorize.
func (s *Surface) loginPage(w http.ResponseWriter, r *http.Request, a *auth.Authorization, q url.Values, msg string, status int) error {
	p := page{Kind: "login", Lang: locale(a.UILocales, r.Header.Get("Accept-Language")), Action: loginPath,
		Tenant: tenantName(a), Client: cmp.Or(a.Client.Name, a.Client.ID), CSRF: s.csrfToken(w, r), Username: a.LoginHint, Error: msg}
	if msg != "" {
		p.Username = q.Get("username") // the form again: keep what was typed
	}
	p.Focus = "username"
	if p.Username != "" {
		p.Focus = "password"
	}
	for _, n := range authorizeParams {
		if v := q.Get(n); v != "" {
			p.Hidden = append(p.Hidden, field{n, v})
		}
	}
	return render(w, status, p)
}

func tenantName(a *auth.Authorization) string {
	if a.Tenant == nil {
		return ""
	}
	if a.Tenant.Name != "" {
		return a.Tenant.Name
	}
	return a.Tenant.Slug
}

// login serves POST /oauth2/login: the CSRF check, the authorization
// request checked again (the hidden fields are the browser's word, not
// ours), the password, then the browser session cookie and the code.
func (s *Surface) login(w http.ResponseWriter, r *http.Request) error {
	form, err := httpx.Form(r)
	if err != nil {
		return err
	}
	if !s.csrfValid(r, form.Get("csrf")) {
		return errCSRF
	}
	meta := httpx.Meta(r)
	a, err := s.svc.Authorize(r.Context(), decodeAuthorize(form, meta))
	if err != nil {
		return s.refuse(w, r, a, err)
	}
	b, cookie, err := s.svc.SignIn(r.Context(), a, form.Get("username"), form.Get("password"), meta)
	if err != nil {
		return s.loginFailed(w, r, a, form, err)
	}
	s.setCookie(w, r, browserCookie, cookie, b.ExpiresAt.Sub(b.CreatedAt))
	return s.issue(w, r, a, b)
}

// loginFailed shows the form again with the one message every refusal
// gets (the page never says whether the user exists); a throttled login
// adds when to retry. Anything unexpected is the adapter's.
func (s *Surface) loginFailed(w http.ResponseWriter, r *http.Request, a *auth.Authorization, form url.Values, err error) error {
	ae := auth.AsError(err)
	if ae == nil || (ae.Code == auth.TemporarilyUnavailable && ae.Reason != auth.ReasonThrottled) || ae.Code == auth.ServerError {
		return err
	}
	t := catalog[locale(a.UILocales, r.Header.Get("Accept-Language"))]
	if ae.Reason == auth.ReasonThrottled {
		wait := httpx.RetryAfter(ae.RetryAfter)
		w.Header().Set("Retry-After", wait)
		return s.loginPage(w, r, a, form, fmt.Sprintf(t.Throttled, wait), http.StatusTooManyRequests)
	}
	return s.loginPage(w, r, a, form, t.BadLogin, http.StatusOK)
}

// csrfToken returns the form token of this browser, giving it a pre-login
// cookie first if it has none.
func (s *Surface) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return s.csrfMAC(c.Value)
	}
	b := make([]byte, 32)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	s.setCookie(w, r, csrfCookie, v, 0)
	return s.csrfMAC(v)
}

// csrfValid reports whether token is the HMAC of this browser's pre-login
// cookie, compared in constant time.
func (s *Surface) csrfValid(r *http.Request, token string) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" || token == "" {
		return false
	}
	return hmac.Equal([]byte(token), []byte(s.csrfMAC(c.Value)))
}

func (s *Surface) csrfMAC(v string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("login csrf\x00" + v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole site,
// Secure under TLS or an https issuer. It lasts ttl (relative, so that
// neither clock skew nor the browser's clock matters), or as long as the
// browser runs when ttl is zero; an empty value deletes it.
func (s *Surface) setCookie(w http.ResponseWriter, r *http.Request, name, value string, ttl time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || strings.HasPrefix(s.svc.Issuer(), "https://"), MaxAge: int(ttl / time.Second)}
	if value == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}
