package standard

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// tokenResponse is RFC 6749 §5.1.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	IDToken      string `json:"id_token,omitempty"` // OIDC Core §3.1.3.3
}

// token serves POST /oauth2/token for the authorization_code, password,
// refresh_token and client_credentials grants.
func (s *Surface) token(w http.ResponseWriter, r *http.Request) error {
	form, err := httpx.Form(r)
	if err != nil {
		return err
	}
	c, err := s.client(r, form)
	if err != nil {
		return err
	}
	meta := httpx.Meta(r)
	var g *auth.Grant
	switch gt := form.Get("grant_type"); gt {
	case "":
		return httpx.Bad("grant_type", "missing")
	case "authorization_code":
		if err := require(form, "code"); err != nil {
			return err
		}
		g, err = s.svc.ExchangeCode(r.Context(), auth.ExchangeRequest{Client: c, Code: form.Get("code"),
			RedirectURI: form.Get("redirect_uri"), Verifier: form.Get("code_verifier"), Meta: meta})
	case "password":
		if err := require(form, "username", "password"); err != nil {
			return err
		}
		g, _, err = s.svc.Login(r.Context(), auth.LoginRequest{Client: c, Username: form.Get("username"),
			Password: form.Get("password"), Scope: form.Get("scope"), Meta: meta})
	case "refresh_token":
		if err := require(form, "refresh_token"); err != nil {
			return err
		}
		g, err = s.svc.Refresh(r.Context(), auth.RefreshRequest{Client: c, Token: form.Get("refresh_token"), Scope: form.Get("scope"), Meta: meta})
	case "client_credentials":
		g, err = s.svc.ClientCredentials(r.Context(), c, form.Get("scope"))
	default:
		return &auth.Error{Code: auth.UnsupportedGrantType, Description: "grant_type " + quote(gt) + " is not supported"}
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, tokenResponse{AccessToken: g.AccessToken, TokenType: g.TokenType,
		ExpiresIn: g.ExpiresIn(), RefreshToken: g.RefreshToken, Scope: g.Scope, IDToken: g.IDToken})
	return nil
}

// client authenticates the caller and refuses clients that belong to a
// vendor dialect or hold a partner API key: their tokens must only be
// redeemed through their own surface, with its own checks (HDI's API key,
// renewal window and user binding).
func (s *Surface) client(r *http.Request, form url.Values) (*auth.Client, error) {
	c, err := s.authenticate(r, form)
	if err != nil {
		return nil, err
	}
	if c.APIKeyHash != "" || (len(c.Dialects) > 0 && !slices.Contains(c.Dialects, "standard")) {
		return nil, &auth.Error{Code: auth.InvalidClient, Description: "this client is bound to a vendor dialect; use its own endpoints"}
	}
	return c, nil
}

// authenticate checks client_secret_basic, client_secret_post or none
// (RFC 6749 §2.3); using two methods at once is invalid_request.
func (s *Surface) authenticate(r *http.Request, form url.Values) (*auth.Client, error) {
	id, secret, basic := r.BasicAuth()
	if basic {
		if form.Has("client_secret") || (form.Has("client_id") && form.Get("client_id") != unescape(id)) {
			return nil, httpx.Bad("client_secret", "use one client authentication method")
		}
		return s.svc.AuthenticateClient(r.Context(), unescape(id), unescape(secret), true)
	}
	if r.Header.Get("Authorization") != "" {
		return nil, &auth.Error{Code: auth.InvalidClient, Description: "unsupported Authorization header"}
	}
	return s.svc.AuthenticateClient(r.Context(), form.Get("client_id"), form.Get("client_secret"), form.Has("client_secret"))
}

// unescape undoes the form-encoding RFC 6749 §2.3.1 applies to Basic
// credentials; a value that does not decode is used as is.
func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func require(form url.Values, names ...string) error {
	for _, n := range names {
		if form.Get(n) == "" {
			return httpx.Bad(n, "missing")
		}
	}
	return nil
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return `"` + s + `"`
}
