package hdi

import (
	"errors"
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// authorize serves POST /authorize: {"applicationCode"} → {"codeToken"}.
// The code is the first refresh token of a new session of the end user
// named by X-User-Id on the key's client, whose first idle timeout is the
// code's lifetime: it dies unused after code_ttl (60 s) and is bound to
// key, company (the key's tenant), application and user.
func (s *Surface) authorize(w http.ResponseWriter, r *http.Request) error {
	cl, err := s.decodeCaller(r)
	if err != nil {
		return err
	}
	b, err := readBody(r, "applicationCode")
	if err != nil {
		return err
	}
	if err := checkApplication(cl.Client, b.ApplicationCode); err != nil {
		return err
	}
	u, err := s.b.Svc.PartnerUser(r.Context(), s.b.Tenant.ID, cl.Client.ID, cl.User,
		func() error { return s.admitCreation(r.Context(), cl.Client.ID) })
	if err != nil {
		return err
	}
	g, err := s.b.Svc.OpenSession(r.Context(), auth.OpenRequest{Client: cl.Client, User: u, FirstIdle: s.codeTTL, Meta: cl.Meta, NoAccessToken: true})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, codeResponse{CodeToken: g.RefreshToken})
	return nil
}

// token serves POST /token: {"codeToken","applicationCode"} → {"token"}.
// The code is exchanged with the grace window off, so any second use is
// reuse: the core revokes the session and with it every token issued from
// the code (issue 7, RFC 6749 §4.1.2), and the caller gets 400.
func (s *Surface) token(w http.ResponseWriter, r *http.Request) error {
	cl, err := s.decodeCaller(r)
	if err != nil {
		return err
	}
	b, err := readBody(r, "codeToken", "applicationCode")
	if err != nil {
		return err
	}
	if err := checkApplication(cl.Client, b.ApplicationCode); err != nil {
		return err
	}
	g, err := s.b.Svc.Refresh(r.Context(), auth.RefreshRequest{Client: cl.Client, Token: b.CodeToken, NoGrace: true, Meta: cl.Meta, NoAccessToken: true})
	if err != nil {
		return err
	}
	u, err := s.codeUser(r, g, cl)
	if err != nil {
		return err
	}
	return s.answer(w, g, u, cl)
}

// codeUser returns the user of an exchanged code and refuses a code that
// was not one: presented with another X-User-Id than it was authorized
// for, or a later refresh token of a chain rather than a
// session's first token. The code is spent by then, so its session is
// revoked: neither is something a partner's honest retry does.
func (s *Surface) codeUser(r *http.Request, g *auth.Grant, cl *caller) (*auth.User, error) {
	u, err := s.b.Svc.User(r.Context(), g.Session.UserID)
	if err != nil {
		return nil, err
	}
	if g.Session.Generation == 2 && auth.NamedBy(u, cl.Client.ID, cl.User) {
		return u, nil
	}
	if err := s.b.Svc.Logout(r.Context(), g.Session.ID, cl.Meta); err != nil {
		return nil, err
	}
	return nil, &apiError{Status: http.StatusBadRequest, Code: "invalid_code_token", Reason: "mismatch",
		Message: "codeToken was not authorized for this user; it is revoked"}
}

// renew serves POST /tokenrenew: {"token","applicationCode"} → {"token"}.
// The presented JWT must carry our signature and have been issued to this
// key's application and user; it may be expired, up to renew_window after
// its exp. The refresh token sealed in its jti is then refreshed by the core: the first renewal
// rotates, a retry inside the client's grace window gets the very same new
// JWT, and a later one is reuse, which revokes the whole chain (401).
func (s *Surface) renew(w http.ResponseWriter, r *http.Request) error {
	cl, err := s.decodeCaller(r)
	if err != nil {
		return err
	}
	b, err := readBody(r, "applicationCode")
	if err != nil {
		return err
	}
	tok, err := b.renewToken()
	if err != nil {
		return err
	}
	if err := checkApplication(cl.Client, b.ApplicationCode); err != nil {
		return err
	}
	if lc := s.foreign(tok); lc != nil {
		return s.renewLegacy(w, r, tok, lc, cl, b.ApplicationCode)
	}
	c, err := s.verify(tok, cl, s.b.Svc.Now())
	if err != nil {
		return err
	}
	u, err := s.b.Svc.User(r.Context(), c.Subject)
	if err != nil && !errors.Is(err, auth.ErrNotFound) {
		return err
	}
	if u == nil || u.TenantID != s.b.Tenant.ID || !auth.NamedBy(u, cl.Client.ID, cl.User) {
		return badToken("mismatch", "the token was issued for another user")
	}
	rt, err := s.seal.open(c.ID)
	if err != nil {
		return badToken("malformed", "the token lacks the claims of a renewable token")
	}
	g, err := s.b.Svc.Refresh(r.Context(), auth.RefreshRequest{Client: cl.Client, Token: rt, Meta: cl.Meta, NoAccessToken: true})
	if err != nil {
		return err
	}
	return s.answer(w, g, u, cl)
}

// answer mints the JWT of grant g and writes {"token"}.
func (s *Surface) answer(w http.ResponseWriter, g *auth.Grant, u *auth.User, cl *caller) error {
	jws, err := s.mint(g, u, cl.Application)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, tokenResponse{Token: jws})
	return nil
}
