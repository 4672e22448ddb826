package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// The legacy claims (issue 15) are one plain statement each on either
// database; times are Unix nanoseconds, done a boolean through the codec.
const (
	claimLegacy = `INSERT INTO legacy_claims(key, kind, tenant_id, client_id, claimed_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT(key) DO UPDATE SET claimed_at = excluded.claimed_at
		WHERE legacy_claims.done = $6 AND legacy_claims.claimed_at < $7`
	finishLegacy  = `UPDATE legacy_claims SET done = $1, user_id = $2, session_id = $3, done_at = $4 WHERE key = $5`
	releaseLegacy = `DELETE FROM legacy_claims WHERE key = $1 AND done = $2`
	legacyCounts  = `SELECT tenant_id, client_id, kind, count(*) FROM legacy_claims WHERE done = $1
		GROUP BY tenant_id, client_id, kind ORDER BY tenant_id, client_id, kind`
)

// ClaimLegacy inserts a pending claim, or takes over a stale pending one,
// in one statement on the writer: the primary key makes it exact across
// replicas. A claim held by someone else is ErrConflict.
func (a *Admin) ClaimLegacy(ctx context.Context, c *store.LegacyClaim, staleBefore time.Time) error {
	n, err := a.w.Exec(ctx, claimLegacy, c.Key, c.Kind, c.TenantID, c.ClientID, c.ClaimedAt.UnixNano(),
		a.c.BoolArg(false), staleBefore.UnixNano())
	switch {
	case err != nil:
		return a.c.Err(err)
	case n == 0:
		return store.ErrConflict
	}
	return nil
}

// FinishLegacy marks a claim done.
func (a *Admin) FinishLegacy(ctx context.Context, key []byte, userID, sessionID string, now time.Time) error {
	n, err := a.w.Exec(ctx, finishLegacy, a.c.BoolArg(true), userID, sessionID, now.UnixNano(), key)
	switch {
	case err != nil:
		return a.c.Err(err)
	case n == 0:
		return fmt.Errorf("finish legacy claim: %w", store.ErrNotFound)
	}
	return nil
}

// ReleaseLegacy removes a pending claim.
func (a *Admin) ReleaseLegacy(ctx context.Context, key []byte) error {
	_, err := a.w.Exec(ctx, releaseLegacy, key, a.c.BoolArg(false))
	return a.c.Err(err)
}

// LegacyCounts counts done claims by tenant, client and kind.
func (a *Admin) LegacyCounts(ctx context.Context) ([]store.LegacyCount, error) {
	rows, err := a.r.Query(ctx, legacyCounts, a.c.BoolArg(true))
	if err != nil {
		return nil, a.c.Err(err)
	}
	defer rows.Close()
	var out []store.LegacyCount
	for rows.Next() {
		var c store.LegacyCount
		if err := rows.Scan(&c.TenantID, &c.ClientID, &c.Kind, &c.Count); err != nil {
			return nil, a.c.Err(err)
		}
		out = append(out, c)
	}
	return out, a.c.Err(rows.Err())
}
