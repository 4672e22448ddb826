package postgres

import (
	"context"
	"fmt"
	"time"
)

// ProbeWrite commits a one-row UPDATE: a standby after failover answers
// read_only_sql_transaction, a full disk disk_full or a server restart,
// and each is store.ErrUnavailable.
func (db *DB) ProbeWrite(ctx context.Context) error {
	if _, err := db.pool.Exec(ctx, "UPDATE health_probe SET probed_at = $1 WHERE id = 1", time.Now().UnixNano()); err != nil {
		return fmt.Errorf("postgres: write probe: %w", translate(err))
	}
	return nil
}
