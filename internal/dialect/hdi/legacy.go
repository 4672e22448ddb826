package hdi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/legacy"
)

// The legacy HDI system a mount replaces (issue 15). A partner's JWT that
// renova did not issue is the legacy system's refresh credential: at a
// mount with legacy= it is presented once to the old system's /tokenrenew,
// exactly as the partner would have, and the user is the renewed JWT's
// `user` claim: the partner's own end user (its X-User-Id), found or
// created in the partner's namespace like at /authorize.
//
// The partner's credentials are forwarded as received: its ?key= and its
// X-Company-Id, X-Application-Id, X-User-Id (and X-Trace-Id) headers, with
// its applicationCode. renova holds no credential of its own for the old
// system; the partner keeps one key across the switch (the same value is
// known to both systems). The key travels in the query (seed 003), which
// legacy.Caller never names in an error, and nothing here logs it.
//
// HDI has no password login (seed 003: /authorize takes a key and an
// applicationCode, users are the partner's, named per call by X-User-Id),
// so there is no password to migrate: Login refuses.

// legacyHeaders are the request headers forwarded to the legacy system.
var legacyHeaders = []string{hCompany, hApplication, hUser, "X-Trace-Id"}

// upstream is the legacy HDI system as one partner request sees it.
type upstream struct {
	c       *legacy.Caller
	partner string      // the key's client id: the namespace of the user
	key     string      // ?key= as received
	header  http.Header // legacyHeaders as received
	appCode string      // applicationCode as received
	user    string      // X-User-Id
}

// newLegacy returns the mount's legacy caller, nil when it has none.
func newLegacy(b dialect.Binding) *legacy.Caller {
	if b.Legacy == nil {
		return nil
	}
	return legacy.NewCaller(b.Legacy, nil)
}

// legacyFor is the mount's legacy system for one request, speaking with
// the presenting partner's own key and headers.
func (s *Surface) legacyFor(r *http.Request, cl *caller, appCode string) *auth.Legacy {
	h := http.Header{}
	for _, name := range legacyHeaders {
		if v, err := header(r, name); err == nil {
			h.Set(name, v)
		}
	}
	up := upstream{c: s.legacy, partner: cl.Client.ID, key: r.URL.Query().Get("key"), header: h, appCode: appCode, user: cl.User}
	return &auth.Legacy{Upstream: up, Until: s.b.Legacy.Until}
}

// Refresh presents a legacy JWT to the old system's POST /tokenrenew and
// reads the user of the JWT it answers.
func (u upstream) Refresh(ctx context.Context, tok string) (*auth.LegacyUser, error) {
	in, err := json.Marshal(body{Token: tok, ApplicationCode: u.appCode})
	if err != nil {
		return nil, fmt.Errorf("%w: encode: %v", legacy.ErrUnavailable, err)
	}
	out, err := u.c.Do(ctx, legacy.Request{Method: http.MethodPost, Path: Base + "/tokenrenew", Query: url.Values{"key": {u.key}},
		ContentType: "application/json", Body: in, Header: u.header.Clone()})
	if err != nil {
		return nil, err
	}
	var res tokenResponse
	if json.Unmarshal(out, &res) != nil || res.Token == "" {
		return nil, legacy.Garbage("no token in the tokenrenew answer")
	}
	c, err := unverified(res.Token)
	if err != nil || len(c.User) != 1 || c.User[0] == "" {
		return nil, legacy.Garbage("the renewed token has no user claim")
	}
	if !strings.EqualFold(c.User[0], u.user) || !forApplication(c, u.appCode) {
		return nil, &auth.Error{Code: auth.InvalidGrant, Reason: "tenant_mismatch", Description: "the legacy token belongs to another user",
			Cause: fmt.Errorf("%w: the renewed token names another user or application", legacy.ErrRejected)}
	}
	return &auth.LegacyUser{Login: u.user, Partner: u.partner}, nil
}

// Login refuses: HDI has no password login, so nothing calls it.
func (u upstream) Login(context.Context, string, string) (*auth.LegacyUser, error) {
	return nil, fmt.Errorf("%w: HDI has no password login (seed 003)", legacy.ErrRejected)
}

// forApplication reports whether a legacy JWT's application claim, when
// it names one (seed 003's sample holds [null]), is appCode.
func forApplication(c *Claims, appCode string) bool {
	for _, a := range c.Application {
		if a != "" && a != appCode {
			return false
		}
	}
	return true
}

// unverified reads a JWT's claims without checking its signature: renova
// has no key of the old system, and a legacy JWT's claims are only used
// to route it (foreign) or to read whom the old system, just asked over
// TLS, renewed it for.
func unverified(tok string) (*Claims, error) {
	var c Claims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// foreign returns the claims of a JWT presented at /tokenrenew when it may
// be the legacy system's: the mount has legacy= and the token is a JWT
// that is not renova's (another issuer, and a jti this server did not
// seal). A renova token, even a tampered one, is never sent upstream.
func (s *Surface) foreign(tok string) *Claims {
	if s.legacy == nil {
		return nil
	}
	c, err := unverified(tok)
	if err != nil || c.Issuer == s.b.Svc.Issuer() {
		return nil
	}
	if _, err := s.seal.open(c.ID); err == nil {
		return nil
	}
	return c
}

// renewLegacy serves /tokenrenew for a legacy JWT: the core rotates it
// by its SHA-256 when it is known (adopted, or imported), and adopts it
// from the legacy system while the window is open. The JWT's user claim
// must be the caller's X-User-Id before anything is asked (the old system
// checks it again, and so does Refresh above on its answer). The
// partner's user is created (and counted by new_users_per_hour) before
// the call, so a 429 never costs the partner its legacy token.
func (s *Surface) renewLegacy(w http.ResponseWriter, r *http.Request, tok string, c *Claims, cl *caller, appCode string) error {
	if len(c.User) != 1 || !strings.EqualFold(c.User[0], cl.User) {
		return badToken("mismatch", "the token was issued for another user")
	}
	ctx := r.Context()
	if s.b.Legacy.Active(s.b.Svc.Now()) {
		admit := func() error { return s.admitCreation(ctx, cl.Client.ID) }
		if _, err := s.b.Svc.PartnerUser(ctx, s.b.Tenant.ID, cl.Client.ID, cl.User, admit); err != nil {
			return err
		}
	}
	g, err := s.b.Svc.Refresh(ctx, auth.RefreshRequest{Client: cl.Client, Token: tok, Meta: cl.Meta, NoAccessToken: true,
		Legacy: s.legacyFor(r, cl, appCode)})
	if err != nil {
		return err
	}
	u, err := s.b.Svc.User(ctx, g.Session.UserID)
	if err != nil {
		return err
	}
	if u.TenantID != s.b.Tenant.ID || !auth.NamedBy(u, cl.Client.ID, cl.User) {
		// An imported session of someone else: as for a mismatched code,
		// its successor goes to no one.
		if err := s.b.Svc.Logout(ctx, g.Session.ID, cl.Meta); err != nil {
			return err
		}
		return badToken("mismatch", "the token was issued for another user")
	}
	return s.answer(w, g, u, cl)
}
