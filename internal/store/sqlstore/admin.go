package sqlstore

import (
	"context"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// Admin implements the verbs that are one plain statement on either
// database: tenants, users but CreateUser, clients but GetClient, signing
// keys but RotateKeys, session listing and revocation, audit listing, and
// the browser verbs but RevokeBrowserSessions and ClaimAuthCode.
// A backend embeds it and adds the rest.
type Admin struct {
	r, w  Conn   // reads go to r, writes to w (SQLite: read pool, single writer)
	c     Codec  // the backend's codec
	order string // ListSessions' ORDER BY
}

// NewAdmin returns the shared verbs of a backend that reads through r and
// writes through w. sessionOrder is ListSessions' ORDER BY, the one thing
// the backends sort differently: PostgreSQL breaks ties by id, SQLite
// keeps them in the order it finds them.
func NewAdmin(r, w Conn, c Codec, sessionOrder string) Admin {
	return Admin{r: r, w: w, c: c, order: sessionOrder}
}

// GetTenant reads a tenant by id.
func (a *Admin) GetTenant(ctx context.Context, id string) (*store.Tenant, error) {
	return ScanTenant(a.r.QueryRow(ctx, tenantByID, id), a.c)
}

// TenantBySlug reads a tenant by slug.
func (a *Admin) TenantBySlug(ctx context.Context, slug string) (*store.Tenant, error) {
	return ScanTenant(a.r.QueryRow(ctx, tenantBySlug, slug), a.c)
}

// ListTenants lists all tenants by slug.
func (a *Admin) ListTenants(ctx context.Context) ([]*store.Tenant, error) {
	rows, err := a.r.Query(ctx, listTenants)
	return Collect(rows, err, a.c, ScanTenant)
}

// GetUser reads a user by id.
func (a *Admin) GetUser(ctx context.Context, id string) (*store.User, error) {
	return ScanUser(a.r.QueryRow(ctx, userByID, id), a.c)
}

// UserByLogin finds a user of the tenant by login name or e-mail, both
// case-insensitively; a login match wins over an e-mail match.
func (a *Admin) UserByLogin(ctx context.Context, tenantID, login string) (*store.User, error) {
	return ScanUser(a.r.QueryRow(ctx, userByLogin, tenantID, login), a.c)
}

// ListUsers lists a tenant's users by sequence number.
func (a *Admin) ListUsers(ctx context.Context, tenantID string) ([]*store.User, error) {
	rows, err := a.r.Query(ctx, listUsers, tenantID)
	return Collect(rows, err, a.c, ScanUser)
}

// SetPassword replaces a user's password hash.
func (a *Admin) SetPassword(ctx context.Context, userID, hash string, now time.Time) error {
	return a.update(ctx, setPassword, hash, a.c.TimeArg(now), userID)
}

// SetDisabled enables or disables a user.
func (a *Admin) SetDisabled(ctx context.Context, userID string, disabled bool, now time.Time) error {
	return a.update(ctx, setDisabled, a.c.BoolArg(disabled), a.c.TimeArg(now), userID)
}

// CreateClient stores v; a taken id is store.ErrConflict.
func (a *Admin) CreateClient(ctx context.Context, v *store.Client) error {
	_, err := a.w.Exec(ctx, insertClient, ClientArgs(v, a.c)...)
	return a.c.Err(err)
}

// ListClients lists a tenant's clients (all clients when tenantID is empty).
func (a *Admin) ListClients(ctx context.Context, tenantID string) ([]*store.Client, error) {
	rows, err := a.r.Query(ctx, listClients, tenantID)
	return Collect(rows, err, a.c, ScanClient)
}

// ClientByAPIKey finds a client by the hash of its partner API key; the
// empty hash, which SetAPIKey stores to revoke a key, matches nothing.
func (a *Admin) ClientByAPIKey(ctx context.Context, hash string) (*store.Client, error) {
	if hash == "" {
		return nil, store.ErrNotFound
	}
	return ScanClient(a.r.QueryRow(ctx, clientByAPIKey, hash), a.c)
}

// SetAPIKey replaces (or, with "", revokes) a client's API key hash.
func (a *Admin) SetAPIKey(ctx context.Context, clientID, hash string) error {
	return a.update(ctx, setAPIKey, hash, clientID)
}

// CreateKey stores a signing key.
func (a *Admin) CreateKey(ctx context.Context, k *store.Key) error {
	_, err := a.w.Exec(ctx, InsertKey, KeyArgs(k, a.c)...)
	return a.c.Err(err)
}

// ListKeys lists every key, oldest first.
func (a *Admin) ListKeys(ctx context.Context) ([]*store.Key, error) {
	rows, err := a.r.Query(ctx, listKeys)
	return Collect(rows, err, a.c, ScanKey)
}

// ListSessions lists the sessions matching f, newest first.
func (a *Admin) ListSessions(ctx context.Context, f store.SessionFilter) ([]*store.Session, error) {
	q, args := listSessions(f, a.c, a.order)
	rows, err := a.r.Query(ctx, q, args...)
	return Collect(rows, err, a.c, ScanSession)
}

// RevokeSession revokes one session, keeping an earlier revocation as is;
// an unknown id is store.ErrNotFound.
func (a *Admin) RevokeSession(ctx context.Context, id, reason string, now time.Time) error {
	return a.update(ctx, revokeSession, a.c.TimeArg(now), reason, id)
}

// CreateBrowserSession stores a browser session; a taken id or hash is
// store.ErrConflict.
func (a *Admin) CreateBrowserSession(ctx context.Context, b *store.BrowserSession) error {
	_, err := a.w.Exec(ctx, insertBrowser, BrowserArgs(b, a.c)...)
	return a.c.Err(err)
}

// BrowserSessionByHash reads the browser session whose cookie hashes to
// hash, revoked or expired ones too; an unknown hash is store.ErrNotFound.
func (a *Admin) BrowserSessionByHash(ctx context.Context, hash []byte) (*store.BrowserSession, error) {
	return ScanBrowser(a.r.QueryRow(ctx, browserByHash, hash), a.c)
}

// CreateAuthCode stores an authorization code; a taken hash is
// store.ErrConflict.
func (a *Admin) CreateAuthCode(ctx context.Context, v *store.AuthCode) error {
	_, err := a.w.Exec(ctx, insertAuthCode, AuthCodeArgs(v, a.c)...)
	return a.c.Err(err)
}

// SetAuthCodeSession records the session a redeemed code opened; an
// unknown code is store.ErrNotFound.
func (a *Admin) SetAuthCodeSession(ctx context.Context, hash []byte, sessionID string) error {
	return a.update(ctx, setCodeSession, sessionID, hash)
}

// update runs a statement meant to change one row and reports
// store.ErrNotFound when it changed none.
func (a *Admin) update(ctx context.Context, q string, args ...any) error {
	n, err := a.w.Exec(ctx, q, args...)
	if err != nil {
		return a.c.Err(err)
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
