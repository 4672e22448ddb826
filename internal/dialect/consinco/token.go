package consinco

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// grantRefresh is the only grant_type api/v1/auth/refresh-token serves and
// the default when the field is absent (seed 001: "Campo Opcional, possui
// como valor padrão o refresh_token").
const grantRefresh = "refresh_token"

// refresh serves POST api/v1/auth/refresh-token: it rotates the refresh
// token in the core and answers the TokenResponse of the session's user.
func (s *Surface) refresh(w http.ResponseWriter, r *http.Request) error {
	in, err := decode(r, refreshModel)
	if err != nil {
		return err
	}
	if gt := in.get("grant_type"); gt != "" && gt != grantRefresh {
		return &auth.Error{Code: auth.UnsupportedGrantType, Description: "grant_type " + quote(gt) + " is not supported; use refresh_token"}
	}
	if err := in.require("refresh_token"); err != nil {
		return err
	}
	g, err := s.svc.Refresh(r.Context(), auth.RefreshRequest{Client: s.client, Token: in.get("refresh_token"), Meta: httpx.Meta(r),
		Legacy: s.legacyFor("")})
	if err != nil {
		return err
	}
	u, err := s.svc.User(r.Context(), g.Session.UserID)
	if err != nil {
		return err
	}
	s.writeToken(w, r, g, u)
	return nil
}

// login serves POST api/v1/auth/login: company names the mount's tenant
// (by slug, numeric code or name), username is a login name or e-mail.
// A wrong company, user or password all get the same 401.
func (s *Surface) login(w http.ResponseWriter, r *http.Request) error {
	in, err := decode(r, loginModel)
	if err != nil {
		return err
	}
	if err := in.require("company", "username", "password"); err != nil {
		return err
	}
	username := in.get("username")
	if !s.isTenant(in.get("company")) {
		// Another company is refused exactly like a wrong password: an empty
		// username makes the core spend the same hash and audit the failed
		// login, so neither the answer nor its timing tells which part was
		// wrong.
		username = ""
	}
	g, u, err := s.svc.Login(r.Context(), auth.LoginRequest{Client: s.client, TenantID: s.tenant.ID,
		Username: username, Password: in.get("password"), Meta: httpx.Meta(r), Legacy: s.legacyFor(in.get("company"))})
	if err != nil {
		return err
	}
	s.writeToken(w, r, g, u)
	return nil
}

// isTenant reports whether company names the mount's tenant: its slug, its
// numeric code or its name, case-insensitively. Only that tenant is served.
func (s *Surface) isTenant(company string) bool {
	c := strings.TrimSpace(company)
	t := s.tenant
	return strings.EqualFold(c, t.Slug) || (t.Name != "" && strings.EqualFold(c, t.Name)) ||
		(t.Code != 0 && c == strconv.FormatInt(t.Code, 10))
}

// writeToken answers 200 with the TokenResponse in the negotiated format
// and the mount's spelling.
func (s *Surface) writeToken(w http.ResponseWriter, r *http.Request, g *auth.Grant, u *auth.User) {
	resp := newTokenResponse(g, u, s.loc)
	f := httpx.Negotiate(r.Header)
	if f.XML {
		write(w, f.MediaType, http.StatusOK, resp.xml(s.spelling))
		return
	}
	write(w, f.MediaType, http.StatusOK, resp.json(s.spelling))
}

// quote shortens and quotes a client-supplied value for an error message.
func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strconv.Quote(s)
}
