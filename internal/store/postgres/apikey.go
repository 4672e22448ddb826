package postgres

import (
	"context"

	"github.com/renova-auth/renova/internal/store"
)

// ClientByAPIKey finds a client by the hash of its partner API key.
func (db *DB) ClientByAPIKey(ctx context.Context, hash string) (*store.Client, error) {
	if hash == "" {
		return nil, store.ErrNotFound
	}
	return scanClient(db.pool.QueryRow(ctx, "SELECT "+clientCols+" FROM clients WHERE api_key_hash = $1", hash))
}

// SetAPIKey replaces (or, with "", revokes) a client's API key hash.
func (db *DB) SetAPIKey(ctx context.Context, clientID, hash string) error {
	return db.update(ctx, "UPDATE clients SET api_key_hash = $1 WHERE id = $2", hash, clientID)
}
