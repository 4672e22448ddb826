package standard

import (
	"net/http"
	"strconv"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
	"github.com/renova-auth/renova/internal/keys"
)

// tokenForm decodes the form of revoke and introspect: an authenticated
// client and the token parameter.
func (s *Surface) tokenForm(r *http.Request) (*auth.Client, string, error) {
	form, err := httpx.Form(r)
	if err != nil {
		return nil, "", err
	}
	c, err := s.client(r, form)
	if err != nil {
		return nil, "", err
	}
	if err := require(form, "token"); err != nil {
		return nil, "", err
	}
	return c, form.Get("token"), nil
}

// revoke serves RFC 7009: always 200 for an authenticated client, whether
// or not the token was known.
func (s *Surface) revoke(w http.ResponseWriter, r *http.Request) error {
	c, tok, err := s.tokenForm(r)
	if err != nil {
		return err
	}
	if err := s.svc.Revoke(r.Context(), c, tok, httpx.Meta(r)); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	return nil
}

// introspect serves RFC 7662 to authenticated clients.
func (s *Surface) introspect(w http.ResponseWriter, r *http.Request) error {
	c, tok, err := s.tokenForm(r)
	if err != nil {
		return err
	}
	if c.Public {
		return &auth.Error{Code: auth.InvalidClient, Description: "introspection requires a confidential client"}
	}
	in, err := s.svc.Introspect(r.Context(), c, tok)
	if err != nil {
		return err
	}
	if !in.Active {
		httpx.WriteJSON(w, http.StatusOK, map[string]bool{"active": false})
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"active": true, "token_type": in.TokenType, "scope": in.Scope, "client_id": in.ClientID, "sub": in.Subject,
		"tenant": in.Tenant, "sid": in.SessionID, "exp": in.ExpiresAt.Unix(), "iat": in.IssuedAt.Unix(), "iss": s.svc.Issuer(),
	})
	return nil
}

// jwks serves the public keys; caches may keep it for keys.JWKSMaxAge,
// since keys.Ring.Rotate promotes only a key published longer ago than
// that (plus the replicas' key reload interval).
func (s *Surface) jwks(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(keys.JWKSMaxAge/time.Second)))
	w.Write(s.ring.JWKS())
}

// discovery serves RFC 8414 / OIDC discovery metadata listing exactly what
// is implemented; no member is an empty list (OIDC Discovery §3).
func (s *Surface) discovery(w http.ResponseWriter, r *http.Request) {
	iss := s.svc.Issuer()
	w.Header().Set("Cache-Control", "public, max-age=300")
	httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                                         iss,
		"authorization_endpoint":                         iss + "/oauth2/authorize",
		"token_endpoint":                                 iss + "/oauth2/token",
		"userinfo_endpoint":                              iss + "/oauth2/userinfo",
		"end_session_endpoint":                           iss + "/oauth2/logout",
		"revocation_endpoint":                            iss + "/oauth2/revoke",
		"introspection_endpoint":                         iss + "/oauth2/introspect",
		"jwks_uri":                                       iss + "/oauth2/jwks",
		"response_types_supported":                       []string{"code"},
		"response_modes_supported":                       []string{"query"},
		"grant_types_supported":                          auth.Grants,
		"code_challenge_methods_supported":               []string{"S256"},
		"subject_types_supported":                        []string{"public"},
		"id_token_signing_alg_values_supported":          keys.Algs,
		"scopes_supported":                               []string{"openid", "profile", "email"},
		"claims_supported":                               claims,
		"prompt_values_supported":                        []string{"none", "login"},
		"ui_locales_supported":                           locales,
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "client_secret_post", "none"},
		"revocation_endpoint_auth_methods_supported":     []string{"client_secret_basic", "client_secret_post", "none"},
		"introspection_endpoint_auth_methods_supported":  []string{"client_secret_basic", "client_secret_post"},
		"authorization_response_iss_parameter_supported": true, // RFC 9207
	})
}

// claims are the claims an ID token or userinfo answer may hold (OIDC
// Core §2, §5.1).
var claims = []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp", "sid", "at_hash",
	"preferred_username", "name", "email", "email_verified"}
