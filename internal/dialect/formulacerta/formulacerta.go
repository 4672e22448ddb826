// Package formulacerta serves the FormulaCerta dialect (seed 002, a pharmacy
// ERP's ASP.NET Web API): POST api/v2/account/login and
// api/v2/account/refreshtoken, with JSON, XML and form bodies in and the
// seed's LoginResult out, in JSON or DataContract XML.
//
// Its one quirk is that refreshtoken binds the refresh token to the access
// token it replaces: AccessTokenOld must be an access token renova signed
// (expired or not) for this mount's client, and AccessTokenRefresh must
// belong to that token's session. It is a thin adapter over the core: the
// binding is enforced by auth.RefreshRequest.RequireSession, rotation,
// grace and reuse detection live in auth.
package formulacerta

import (
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/httpx"
	"github.com/renova-auth/renova/internal/legacy"
	"github.com/renova-auth/renova/internal/token"
)

// Surface serves the FormulaCerta endpoints of one mount.
type Surface struct {
	b      dialect.Binding
	logger *slog.Logger
	legacy *legacy.Caller // the system the mount replaces (legacy.go); nil: none
}

// New binds the dialect to a tenant, client and prefix. It takes no mount
// options: an unknown key=value fails the start rather than being ignored.
func New(b dialect.Binding) (*Surface, error) {
	if len(b.Options) > 0 {
		return nil, fmt.Errorf("formulacerta: unknown mount options %q (the dialect takes none)", slices.Sorted(maps.Keys(b.Options)))
	}
	logger := b.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Surface{b: b, logger: logger, legacy: newLegacy(b)}, nil
}

// Routes returns the dialect's handlers by ServeMux pattern under the
// mount's prefix: the seed's refreshtoken and the login it implies.
func (s *Surface) Routes() map[string]http.Handler {
	p := "POST " + s.b.Prefix + "/api/v2/account/"
	return map[string]http.Handler{
		p + "login":        s.errs().Handle(s.login),
		p + "refreshtoken": s.errs().Handle(s.refresh),
	}
}

// login checks UserName (or Email) and Password against the mount's tenant
// and opens a new session.
func (s *Surface) login(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeLogin(r)
	if err != nil {
		return err
	}
	g, _, err := s.b.Svc.Login(r.Context(), auth.LoginRequest{Client: s.b.Client, TenantID: s.b.Tenant.ID,
		Username: req.login(), Password: req.Password, Meta: httpx.Meta(r), Legacy: s.legacyFor("")})
	if err != nil {
		return err
	}
	writeResult(w, r, http.StatusOK, s.success(g))
	return nil
}

// refresh renews a session from the old access token and the refresh token
// issued with it. The old token may be expired but must carry our
// signature, our issuer, a session and this mount's client; the core then
// refuses a refresh token of any other session (reason session_mismatch,
// audited) and rotates.
func (s *Surface) refresh(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeRefresh(r)
	if err != nil {
		return err
	}
	sid, err := s.sessionOf(req.AccessTokenOld)
	if err != nil && !s.adoptable(req.AccessTokenRefresh) {
		return err
	}
	g, err := s.b.Svc.Refresh(r.Context(), auth.RefreshRequest{Client: s.b.Client, Token: req.AccessTokenRefresh,
		RequireSession: sid, Meta: httpx.Meta(r), Legacy: s.legacyFor(req.AccessTokenOld)})
	if err != nil {
		return err
	}
	writeResult(w, r, http.StatusOK, s.success(g))
	return nil
}

// errOldToken is the one answer for every AccessTokenOld we refuse, so a
// caller cannot tell a bad signature from a foreign client.
const errOldToken = "AccessTokenOld is not a valid access token"

// sessionOf verifies an access token while ignoring its expiry (the
// signature, algorithm pinning and issuer still count) and returns its
// session id. Tokens without a session or of another client are refused.
func (s *Surface) sessionOf(tok string) (string, error) {
	var c token.Claims
	if err := s.b.Svc.Verifier().Parse(tok, &c, token.Options{IgnoreExpiry: true}); err != nil {
		return "", &auth.Error{Code: auth.InvalidToken, Description: errOldToken, Cause: err}
	}
	if c.SessionID == "" || c.ClientID != s.b.Client.ID {
		return "", &auth.Error{Code: auth.InvalidToken, Description: errOldToken}
	}
	return c.SessionID, nil
}

// success turns a grant into the seed's LoginResult. ClienteId is the
// tenant's numeric code; Expires is the access token's exp, which a JWT
// holds in whole seconds.
func (s *Surface) success(g *auth.Grant) *loginResult {
	tenant := g.Tenant
	if tenant == nil {
		tenant = s.b.Tenant
	}
	return &loginResult{AccessToken: g.AccessToken, RefreshAccessToken: g.RefreshToken, TokenType: g.TokenType,
		Expires: g.ExpiresAt.Truncate(time.Second), ErrorCode: codeOK, ClienteID: tenant.Code, Succeeded: true, Errors: []string{}}
}
