package auth

import (
	"context"
	"errors"
	"net/url"
	"slices"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/token"
)

// EndSessionRequest is an RP-initiated logout (OIDC RP-Initiated Logout
// 1.0 §2).
type EndSessionRequest struct {
	Cookie                string // the browser session cookie, "" when none
	IDTokenHint           string
	ClientID              string
	PostLogoutRedirectURI string
	State                 string
	Meta                  Meta
}

// EndSession ends the browser session of req.Cookie and every session
// opened through it. It returns where to send the browser: the
// post-logout redirect URI with state when it is registered for the
// hinted client, else "" (the surface shows a confirmation page).
// The client is the hint's audience or client_id (both must agree); a
// hint whose signature does not verify means no redirect at all. An
// expired hint is fine (§2: the hint is usually old).
func (s *Service) EndSession(ctx context.Context, req EndSessionRequest) (string, error) {
	redirect := s.postLogout(ctx, req)
	if req.Cookie == "" {
		return redirect, nil
	}
	b, err := s.Browser(ctx, req.Cookie)
	if errors.Is(err, ErrNotFound) {
		return redirect, nil
	}
	if err != nil {
		return "", err
	}
	if err := s.endBrowser(ctx, b, "logout", req.Meta); err != nil {
		return "", err
	}
	return redirect, nil
}

// postLogout returns the registered post-logout redirect URI of req with
// its state, or "".
func (s *Service) postLogout(ctx context.Context, req EndSessionRequest) string {
	uri, clientID := req.PostLogoutRedirectURI, req.ClientID
	if uri == "" {
		return ""
	}
	if req.IDTokenHint != "" {
		var hint token.IDClaims
		if err := s.verifier.Parse(req.IDTokenHint, &hint, token.Options{IgnoreExpiry: true}); err != nil || len(hint.Audience) != 1 {
			return ""
		}
		if clientID != "" && clientID != hint.Audience[0] {
			return ""
		}
		clientID = hint.Audience[0]
	}
	if clientID == "" {
		return ""
	}
	c, err := s.client(ctx, clientID)
	if err != nil || !slices.Contains(c.PostLogoutURIs, uri) {
		return ""
	}
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	if req.State != "" {
		q := u.Query()
		q.Set("state", req.State)
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// endBrowser revokes browser session b and the sessions opened through it.
func (s *Service) endBrowser(ctx context.Context, b *BrowserSession, reason string, m Meta) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	now := s.cfg.Now()
	if _, err := s.st.RevokeBrowserSessions(ctx, store.BrowserFilter{ID: b.ID}, now); err != nil {
		return storeErr("revoke browser session", err)
	}
	if _, err := s.st.RevokeSessions(ctx, store.SessionFilter{BrowserID: b.ID}, reason, now); err != nil {
		return storeErr("revoke sessions of browser", err)
	}
	s.record(ctx, &store.AuditEvent{Action: "browser.logout", Outcome: "success", Reason: reason, TenantID: b.TenantID,
		Actor: b.UserID, SessionID: b.ID, UserID: b.UserID}, m)
	return nil
}
