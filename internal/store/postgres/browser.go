package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// errBrowsersPending stands in until browser sessions and authorization
// codes are stored (issue 12, in progress on this backend).
var errBrowsersPending = errors.New("postgres: browser sessions and authorization codes are not stored yet")

// CreateBrowserSession is not implemented yet.
func (db *DB) CreateBrowserSession(ctx context.Context, b *store.BrowserSession) error {
	return errBrowsersPending
}

// BrowserSessionByHash is not implemented yet.
func (db *DB) BrowserSessionByHash(ctx context.Context, hash []byte) (*store.BrowserSession, error) {
	return nil, errBrowsersPending
}

// RevokeBrowserSessions is not implemented yet.
func (db *DB) RevokeBrowserSessions(ctx context.Context, f store.BrowserFilter, now time.Time) (int, error) {
	return 0, errBrowsersPending
}

// CreateAuthCode is not implemented yet.
func (db *DB) CreateAuthCode(ctx context.Context, c *store.AuthCode) error { return errBrowsersPending }

// ClaimAuthCode is not implemented yet.
func (db *DB) ClaimAuthCode(ctx context.Context, hash []byte, now time.Time) (*store.AuthCode, error) {
	return nil, errBrowsersPending
}

// SetAuthCodeSession is not implemented yet.
func (db *DB) SetAuthCodeSession(ctx context.Context, hash []byte, sessionID string) error {
	return errBrowsersPending
}
