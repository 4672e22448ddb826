package icredit

import (
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// login serves POST /api/v1/auth/login: a password login in the mount's
// tenant through the mount's client. Every login opens its own session, so
// a second device never logs out the first (PRODUCT.md §2).
func (s *Surface) login(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(r)
	if err != nil {
		return err
	}
	req, err := parseLogin(body)
	if err != nil {
		return err
	}
	g, _, err := s.svc.Login(r.Context(), auth.LoginRequest{Client: s.b.Client, TenantID: s.b.Tenant.ID,
		Username: req.identifier(), Password: req.Password, Meta: httpx.Meta(r), Legacy: s.legacy})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newTokenResponse(g))
	return nil
}

// refresh serves the seed's POST /api/v1/auth/refresh: body
// {"refresh_token": "..."} in, the new pair out. Rotation, the grace window
// and reuse detection are the core's (PRODUCT.md §2).
func (s *Surface) refresh(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(r)
	if err != nil {
		return err
	}
	req, err := parseRefresh(body)
	if err != nil {
		return err
	}
	g, err := s.svc.Refresh(r.Context(), auth.RefreshRequest{Client: s.b.Client, Token: req.RefreshToken, Meta: httpx.Meta(r), Legacy: s.legacy})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newTokenResponse(g))
	return nil
}

// logout serves POST /api/v1/auth/logout: it revokes the session of the
// bearer access token (PRODUCT.md §2.5) and answers 204. The optional body
// {"refresh_token": "..."} is decoded strictly but never widens what is
// revoked: the bearer's session is the one logged out, and a token of any
// other session is ignored, so a stale token never blocks a logout and a
// logout never touches another session.
func (s *Surface) logout(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.session(r)
	if err != nil {
		return err
	}
	body, err := readJSON(r)
	if err != nil {
		return err
	}
	if _, err := parseLogout(body); err != nil {
		return err
	}
	if err := s.svc.Logout(r.Context(), sess.ID, httpx.Meta(r)); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// updatePassword serves POST /api/v1/auth/update-password: it checks the
// current password, stores the new one and revokes the user's other
// sessions, keeping the caller's (PRODUCT.md §2.5). It answers 204.
func (s *Surface) updatePassword(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.session(r)
	if err != nil {
		return err
	}
	body, err := readJSON(r)
	if err != nil {
		return err
	}
	req, err := parsePassword(body, s.svc.MinPasswordLen())
	if err != nil {
		return err
	}
	if err := s.svc.ChangePassword(r.Context(), sess.UserID, req.CurrentPassword, req.NewPassword, sess.ID, httpx.Meta(r)); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// me serves GET /api/v1/users/me: the profile of the bearer's user.
func (s *Surface) me(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.session(r)
	if err != nil {
		return err
	}
	u, err := s.svc.User(r.Context(), sess.UserID)
	if err != nil {
		return err
	}
	t, err := s.svc.Tenant(r.Context(), u.TenantID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newProfile(u, t))
	return nil
}

// session authenticates the request's bearer access token through the
// core, which checks signature, expiry, a live session and that the token
// was issued to this mount's client: a token of another client or mount is
// refused like any invalid one (RFC 6750 §3.1 invalid_token → 401).
func (s *Surface) session(r *http.Request) (*auth.Session, error) {
	bad := &auth.Error{Code: auth.InvalidToken, Description: "the access token is invalid or expired"}
	tok, ok := httpx.Bearer(r)
	if !ok {
		bad.Description = "missing bearer access token in the Authorization header"
		return nil, bad
	}
	_, sess, err := s.svc.Authenticate(r.Context(), s.b.Client, tok)
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// noContent answers 204 with no body, not to be cached.
func noContent(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}
