package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// ClaimLegacy inserts a pending claim, or takes over a stale pending one,
// in one statement on the writer.
func (db *DB) ClaimLegacy(ctx context.Context, c *store.LegacyClaim, staleBefore time.Time) error {
	res, err := db.w.ExecContext(ctx, `INSERT INTO legacy_claims(key, kind, tenant_id, client_id, claimed_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET claimed_at = excluded.claimed_at
		WHERE legacy_claims.done = 0 AND legacy_claims.claimed_at < ?`,
		c.Key, c.Kind, c.TenantID, c.ClientID, c.ClaimedAt.UnixNano(), staleBefore.UnixNano())
	return claimed(res, err)
}

// FinishLegacy marks a claim done.
func (db *DB) FinishLegacy(ctx context.Context, key []byte, userID, sessionID string, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE legacy_claims SET done = 1, user_id = ?, session_id = ?, done_at = ? WHERE key = ?`,
		userID, sessionID, now.UnixNano(), key)
	if err != nil {
		return translate(err)
	}
	if claimed(res, nil) != nil {
		return fmt.Errorf("finish legacy claim: %w", store.ErrNotFound)
	}
	return nil
}

// ReleaseLegacy removes a pending claim.
func (db *DB) ReleaseLegacy(ctx context.Context, key []byte) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM legacy_claims WHERE key = ? AND done = 0`, key)
	return translate(err)
}

// LegacyCounts counts done claims by tenant, client and kind.
func (db *DB) LegacyCounts(ctx context.Context) ([]store.LegacyCount, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT tenant_id, client_id, kind, count(*) FROM legacy_claims WHERE done = 1
		GROUP BY tenant_id, client_id, kind ORDER BY tenant_id, client_id, kind`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []store.LegacyCount
	for rows.Next() {
		var c store.LegacyCount
		if err := rows.Scan(&c.TenantID, &c.ClientID, &c.Kind, &c.Count); err != nil {
			return nil, translate(err)
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// claimed turns "no row changed" into ErrConflict.
func claimed(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return translate(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return store.ErrConflict
	}
	return nil
}
