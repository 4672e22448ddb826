package standard

import (
	"net/http"
	"strings"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// userinfo serves GET and POST /oauth2/userinfo (OIDC Core §5.3) to a
// bearer access token in the Authorization header or, on a POST, in the
// access_token form parameter (RFC 6750 §2.2), never both.
func (s *Surface) userinfo(w http.ResponseWriter, r *http.Request) error {
	tok, err := bearerToken(r)
	if err != nil {
		return err
	}
	if tok == "" {
		// RFC 6750 §3.1: a request without credentials gets the challenge
		// alone, no error code.
		w.Header().Set("WWW-Authenticate", `Bearer realm="renova"`)
		httpx.WriteJSON(w, http.StatusUnauthorized, httpx.OAuthError{Error: auth.InvalidToken, Description: "no bearer token"})
		return nil
	}
	claims, err := s.svc.UserInfo(r.Context(), tok)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, claims)
	return nil
}

// bearerToken returns the request's access token, "" when it has none.
func bearerToken(r *http.Request) (string, error) {
	tok, _ := httpx.Bearer(r)
	if r.Method != http.MethodPost || httpx.MediaType(r) != "application/x-www-form-urlencoded" {
		return tok, nil
	}
	form, err := httpx.Form(r)
	if err != nil {
		return "", err
	}
	if form.Has("access_token") && tok != "" {
		return "", httpx.Bad("access_token", "send the token in one place only (RFC 6750 §2)")
	}
	if tok == "" {
		tok = form.Get("access_token")
	}
	return tok, nil
}

// bearer adapts the userinfo handler: errors in the RFC 6750 §3 shape, a
// JSON body plus the WWW-Authenticate challenge naming the error.
func (s *Surface) bearer(h httpx.HandlerFunc) http.Handler {
	return httpx.Errors{Logger: s.logger, Status: status, Write: writeBearerError}.Handle(h)
}

func writeBearerError(w http.ResponseWriter, r *http.Request, p httpx.Problem) {
	body := httpx.OAuth(p)
	if !p.Internal() {
		w.Header().Set("WWW-Authenticate", `Bearer realm="renova", error="`+body.Error+`", error_description="`+challengeText(body.Description)+`"`)
	}
	httpx.WriteJSON(w, p.Status, body)
}

// challengeText keeps a description inside the quoted-string of a
// challenge: printable ASCII without quote or backslash (RFC 6750 §3).
func challengeText(s string) string {
	return strings.Map(func(c rune) rune {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return -1
		}
		return c
	}, s)
}
