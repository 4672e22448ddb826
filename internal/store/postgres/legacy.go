package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// ClaimLegacy inserts a pending claim, or takes over a stale pending one,
// in one statement: the primary key makes it exact across replicas.
func (db *DB) ClaimLegacy(ctx context.Context, c *store.LegacyClaim, staleBefore time.Time) error {
	tag, err := db.pool.Exec(ctx, `INSERT INTO legacy_claims(key, kind, tenant_id, client_id, claimed_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT(key) DO UPDATE SET claimed_at = excluded.claimed_at
		WHERE NOT legacy_claims.done AND legacy_claims.claimed_at < $6`,
		c.Key, c.Kind, c.TenantID, c.ClientID, c.ClaimedAt.UnixNano(), staleBefore.UnixNano())
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrConflict
	}
	return nil
}

// FinishLegacy marks a claim done.
func (db *DB) FinishLegacy(ctx context.Context, key []byte, userID, sessionID string, now time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE legacy_claims SET done = TRUE, user_id = $1, session_id = $2, done_at = $3 WHERE key = $4`,
		userID, sessionID, now.UnixNano(), key)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("finish legacy claim: %w", store.ErrNotFound)
	}
	return nil
}

// ReleaseLegacy removes a pending claim.
func (db *DB) ReleaseLegacy(ctx context.Context, key []byte) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM legacy_claims WHERE key = $1 AND NOT done`, key)
	return translate(err)
}

// LegacyCounts counts done claims by tenant, client and kind.
func (db *DB) LegacyCounts(ctx context.Context) ([]store.LegacyCount, error) {
	rows, err := db.pool.Query(ctx, `SELECT tenant_id, client_id, kind, count(*) FROM legacy_claims WHERE done
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
