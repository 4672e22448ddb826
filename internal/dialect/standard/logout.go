package standard

import (
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// logout serves GET and POST /oauth2/logout (OIDC RP-Initiated Logout 1.0
// §2): it ends the browser session of the cookie and every session opened
// through it, clears the cookie, and sends the browser to the registered
// post-logout URI, or shows that the user is signed out.
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
	lang := locale(q.Get("ui_locales"), r.Header.Get("Accept-Language"))
	return render(w, http.StatusOK, page{Kind: "logout", Lang: lang, Title: catalog[lang].LoggedOut})
}
