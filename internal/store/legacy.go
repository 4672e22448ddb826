package store

import (
	"context"
	"time"
)

// Legacy records the zero-logout migration (issue 15): one row per legacy
// refresh token presented for adoption and per password migrated. The row
// is inserted before the legacy system is called, so across replicas a
// legacy token is sent upstream at most once; it then says what came of
// it, which `renova migration status` counts.
type Legacy interface {
	// ClaimLegacy inserts c as a pending claim. A key already claimed is
	// ErrConflict, unless that claim is still pending and was made before
	// staleBefore (its replica died mid-call): then c takes it over.
	ClaimLegacy(ctx context.Context, c *LegacyClaim, staleBefore time.Time) error
	// FinishLegacy marks the claim of key done, naming the user and
	// session it produced; an unknown key is ErrNotFound.
	FinishLegacy(ctx context.Context, key []byte, userID, sessionID string, now time.Time) error
	// ReleaseLegacy removes a pending claim (the call failed and may be
	// tried again); a done claim is kept.
	ReleaseLegacy(ctx context.Context, key []byte) error
	// LegacyCounts counts the done claims by tenant, client and kind.
	LegacyCounts(ctx context.Context) ([]LegacyCount, error)
}

// Kinds of LegacyClaim.
const (
	// LegacySession is a legacy refresh token adopted as a session's
	// parent; its key is the SHA-256 of the token.
	LegacySession = "session"
	// LegacyPassword is a password checked against the legacy system and
	// stored as a local hash; its key is a hash of tenant and user.
	LegacyPassword = "password"
)

// LegacyClaim is one adoption, pending or done.
type LegacyClaim struct {
	// Key identifies what is adopted (see the kinds); never a secret.
	Key []byte
	// Kind is LegacySession or LegacyPassword.
	Kind string
	// TenantID and ClientID are the mount's.
	TenantID, ClientID string
	// UserID and SessionID are set when the adoption is done.
	UserID, SessionID string
	// Done reports whether the adoption completed.
	Done bool
	// ClaimedAt is when the claim was made.
	ClaimedAt time.Time
}

// LegacyCount is how many adoptions of one kind a mount (tenant and
// client) completed.
type LegacyCount struct {
	TenantID, ClientID, Kind string
	Count                    int
}
