package standard

import (
	"net/http"
	"net/url"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// logout serves GET and POST /oauth2/logout (OIDC RP-Initiated Logout 1.0
// §2): it ends the browser session of the cookie and every session opened
// through it, clears the cookie, and sends the browser to the registered
// post-logout URI, or shows that the user is signed out. A request without
// a valid id_token_hint could come from any page the user visits, so a
// signed-in browser is first asked to confirm, with a form bound to it by
// the same CSRF token as the login form.
func (s *Surface) logout(w http.ResponseWriter, r *http.Request) error {
	q, err := requestParams(r)
	if err != nil {
		return err
	}
	req := auth.EndSessionRequest{IDTokenHint: q.Get("id_token_hint"), ClientID: q.Get("client_id"),
		PostLogoutRedirectURI: q.Get("post_logout_redirect_uri"), State: q.Get("state"), Meta: httpx.Meta(r)}
	if c, err := r.Cookie(browserCookie); err == nil {
		req.Cookie = c.Value
	}
	lang := locale(q.Get("ui_locales"), r.Header.Get("Accept-Language"))
	confirmed := r.Method == http.MethodPost && q.Get("confirm") == "1" && s.csrfValid(r, q.Get("csrf"))
	if req.Cookie != "" && !confirmed && !s.svc.HintValid(req) {
		return s.confirmLogout(w, r, q, lang, originOf(s.svc.PostLogoutTarget(r.Context(), req)))
	}
	to, err := s.svc.EndSession(r.Context(), req)
	s.setCookie(w, r, browserCookie, "", 0)
	if err != nil {
		return err
	}
	if to != "" {
		w.Header().Set("Location", to)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusFound)
		return nil
	}
	return render(w, http.StatusOK, page{Kind: "logout", Lang: lang, Title: catalog[lang].LoggedOut})
}

// confirmLogout asks the user whether to sign out: a form that posts the
// logout request back with confirm=1 and this browser's CSRF token.
func (s *Surface) confirmLogout(w http.ResponseWriter, r *http.Request, q url.Values, lang, target string) error {
	var hidden []field
	for _, k := range []string{"client_id", "post_logout_redirect_uri", "state", "ui_locales"} {
		if v := q.Get(k); v != "" {
			hidden = append(hidden, field{Name: k, Value: v})
		}
	}
	hidden = append(hidden, field{Name: "confirm", Value: "1"})
	return render(w, http.StatusOK, page{Kind: "confirm", Lang: lang, Title: catalog[lang].SignOut,
		Action: "/oauth2/logout", Hidden: hidden, CSRF: s.csrfToken(w, r), FormTarget: target})
}
