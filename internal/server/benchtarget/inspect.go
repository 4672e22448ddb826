package benchtarget

import (
	"bytes"
	"context"
	"errors"

	"github.com/renova-auth/renova/internal/bench"
	"github.com/renova-auth/renova/internal/dialect/hdi"
	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/server"
	"github.com/renova-auth/renova/internal/store"
)

// inspector answers bench's invariant questions from an embedded renova:
// single tokens through its store, whole-table counts through a read
// connection of their own (database).
type inspector struct {
	app *server.App
	db  *database
}

var _ bench.Inspector = (*inspector)(nil)

// Tally counts clientID's sessions by their unused tokens.
func (i *inspector) Tally(ctx context.Context, clientID string) (bench.Tally, error) {
	return i.db.tally(ctx, clientID)
}

// Live reports whether rt is its session's unused, childless token in a
// live session; a token that does not parse or is not stored is not.
func (i *inspector) Live(ctx context.Context, rt string) (bool, error) {
	tok, err := i.parse(rt)
	if err != nil {
		return false, nil
	}
	st, err := i.app.Store.RefreshState(ctx, tok.Hash())
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !st.Token.Used() && st.Child == nil && !st.Session.Revoked(), nil
}

// Successors counts the stored children of parent and says whether
// answered is the one the store names as its successor.
func (i *inspector) Successors(ctx context.Context, parent, answered string) (int, bool, error) {
	p, err1 := i.parse(parent)
	a, err2 := i.parse(answered)
	if err1 != nil || err2 != nil {
		return 0, false, errors.New("not renova refresh tokens")
	}
	n, err := i.db.children(ctx, p.Hash())
	if err != nil {
		return 0, false, err
	}
	st, err := i.app.Store.RefreshState(ctx, p.Hash())
	if err != nil {
		return n, false, err
	}
	return n, st.Child != nil && bytes.Equal(st.Child.Hash, a.Hash()), nil
}

// ReuseEvents writes out the queued audit events and counts the
// refresh.reuse ones (up to 1000: any at all fails the invariant).
func (i *inspector) ReuseEvents(ctx context.Context) (int, error) {
	i.app.Audit.Flush()
	events, err := i.app.Store.ListAudit(ctx, store.AuditFilter{Action: "refresh.reuse", Limit: 1000})
	return len(events), err
}

// parse reads a refresh token as a surface hands it out: as is, or sealed
// in an HDI JWT's jti (which the bench reads as the token's Refresh).
func (i *inspector) parse(rt string) (secret.Token, error) {
	tok, err := secret.Parse(rt)
	if err == nil {
		return tok, nil
	}
	if opened, oerr := hdi.RefreshTokenOf(i.app.Svc, rt); oerr == nil {
		return secret.Parse(opened)
	}
	return tok, err
}
