package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/token"
)

// Admin scopes (issue 13). A client holding ScopeAdmin manages its own
// tenant; ScopeAdminAll manages every tenant, the tenants themselves and
// the signing keys.
const (
	ScopeAdmin    = "renova:admin"
	ScopeAdminAll = "renova:admin:all"
)

// Actor is who performs an administrative operation: the admin API's
// authenticated client, or "cli" for the command line. Every operation
// checks Tenant, so the rules live here and not in each surface.
type Actor struct {
	// ID names the actor in audit events: a client id or "cli".
	ID string
	// Tenant is the id of the one tenant the actor may manage; "" means
	// every tenant (renova:admin:all, or the command line).
	Tenant string
	// Meta is the request's address and trace id, for the audit events.
	Meta Meta
}

// CLI is the actor of the command line: a shell on a machine with the
// database credentials can do everything already.
var CLI = Actor{ID: "cli"}

// sees reports whether a may manage records of tenantID.
func (a Actor) sees(tenantID string) bool { return a.Tenant == "" || a.Tenant == tenantID }

// all refuses an actor limited to one tenant: creating tenants and
// managing signing keys concern every tenant.
func (a Actor) all() error {
	if a.Tenant != "" {
		return &Error{Code: InsufficientScope, Description: "this operation needs the scope " + ScopeAdminAll}
	}
	return nil
}

// notFound is the answer for a record that does not exist or that the
// actor cannot see: the same answer, so tenants cannot be enumerated.
func notFound(kind string) *Error {
	return &Error{Code: NotFound, Description: kind + " not found"}
}

// invalid is a validation error naming the field at fault.
func invalid(field, format string, args ...any) *Error {
	return &Error{Code: InvalidRequest, Field: field, Description: fmt.Sprintf(format, args...)}
}

// conflictErr turns a store uniqueness conflict into a 409 naming the
// field; other store errors become storeErr's answer.
func conflictErr(op, kind string, err error) error {
	var ce *store.ConflictError
	if errors.As(err, &ce) {
		return &Error{Code: Conflict, Field: ce.Field, Description: fmt.Sprintf("a %s with this %s already exists", kind, ce.Field)}
	}
	return storeErr(op, err)
}

// lookupErr turns a store lookup failure into not_found or storeErr's
// answer.
func lookupErr(kind string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFound(kind)
	}
	return storeErr("load "+kind, err)
}

// audited records an administrative event for a with err's outcome and
// returns err, so every operation ends in one line.
func (s *Service) audited(ctx context.Context, a Actor, e store.AuditEvent, err error) error {
	e.Actor, e.Outcome = a.ID, "success"
	if err != nil {
		e.Outcome, e.Reason = "failure", "internal"
		if ae := AsError(err); ae != nil {
			e.Reason = ae.Code
		}
	}
	s.record(ctx, &e, a.Meta)
	return err
}

// AuditRefused records an admin call by a that its surface refused
// before any operation ran (a body or query it could not decode), so
// that every call of an authenticated administrator is in the trail; the
// trace id ties it to the request's log line.
func (s *Service) AuditRefused(ctx context.Context, a Actor) {
	s.record(ctx, &store.AuditEvent{Action: "admin.request.refused", Outcome: "failure", Reason: "malformed_request",
		TenantID: a.Tenant, Actor: a.ID}, a.Meta)
}

// AdminActor authenticates a bearer token for the admin API. Only an
// access token renova issued through client_credentials (no session, the
// client is its own subject) to a client still holding renova:admin or
// renova:admin:all qualifies; the client's current record decides, so a
// deleted client or a removed scope stops its tokens at once.
func (s *Service) AdminActor(ctx context.Context, bearer string, m Meta) (Actor, error) {
	bad := &Error{Code: InvalidToken, Description: "the access token is missing, invalid or expired"}
	var cl token.Claims
	if bearer == "" || s.verifier.Parse(bearer, &cl, token.Options{}) != nil || cl.SessionID != "" || cl.Subject != cl.ClientID {
		return Actor{}, bad
	}
	c, err := s.client(ctx, cl.ClientID)
	if errors.Is(err, store.ErrNotFound) {
		return Actor{}, bad
	}
	if err != nil {
		return Actor{}, storeErr("load client", err)
	}
	granted := strings.Fields(cl.Scope)
	has := func(sc string) bool { return slices.Contains(granted, sc) && slices.Contains(c.Scopes, sc) }
	switch {
	case c.Public || !allows(c, "client_credentials"):
		return Actor{}, bad
	case has(ScopeAdminAll):
		return Actor{ID: c.ID, Meta: m}, nil
	case has(ScopeAdmin):
		return Actor{ID: c.ID, Tenant: c.TenantID, Meta: m}, nil
	}
	return Actor{}, &Error{Code: InsufficientScope, Description: "the access token lacks the scope " + ScopeAdmin + " or " + ScopeAdminAll}
}

// Cursors are opaque to callers: the last position of a page, bound to
// what it pages (kind and tenant) and signed, so a tampered or misplaced
// cursor is refused rather than leaking another listing.

// cursor signs pos for kind and scope.
func (s *Service) cursor(kind, scope string, pos int64) string {
	body := kind + "|" + scope + "|" + strconv.FormatInt(pos, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(body)) + "." + s.cursorMAC(body)
}

// cursorMAC is the truncated HMAC-SHA256 of body.
func (s *Service) cursorMAC(body string) string {
	m := hmac.New(sha256.New, s.DerivedKey("admin cursor v1"))
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// position reads a cursor made by cursor for the same kind and scope; ""
// is the first page (0).
func (s *Service) position(kind, scope, c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	bad := invalid("cursor", "the cursor is not valid for this listing; start again without it")
	enc, mac, ok := strings.Cut(c, ".")
	b, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || !hmac.Equal([]byte(mac), []byte(s.cursorMAC(string(b)))) {
		return 0, bad
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 3 || parts[0] != kind || parts[1] != scope {
		return 0, bad
	}
	pos, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || pos <= 0 {
		return 0, bad
	}
	return pos, nil
}

// pageSize bounds a requested page size: 0 means 50, at most 500.
func pageSize(n int) (int, error) {
	switch {
	case n == 0:
		return 50, nil
	case n < 0 || n > 500:
		return 0, invalid("limit", "limit must be between 1 and 500")
	}
	return n, nil
}
