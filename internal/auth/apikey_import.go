package auth

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/renova-auth/renova/internal/store"
)

// Bounds of an imported partner API key: long enough to be a secret,
// short enough for a URL's query.
const (
	minImportedKey = 16
	maxImportedKey = 256
)

// ImportAPIKey gives a client of tenantID the partner API key it already
// holds at the system renova replaces (HDI's ?key=, issue 15): the partner
// keeps its key across the switch, and at a mount with legacy= the very
// key it presents is the one forwarded upstream. The key is stored hashed
// like a generated one and replaces any earlier key; a key another client
// holds is refused, since a key names exactly one client.
func (s *Service) ImportAPIKey(ctx context.Context, a Actor, tenantID, id, key string) error {
	err := s.importAPIKey(ctx, a, tenantID, id, key)
	return s.audited(ctx, a, store.AuditEvent{Action: "admin.client.api_key_imported", TenantID: tenantID, ClientID: id}, err)
}

func (s *Service) importAPIKey(ctx context.Context, a Actor, tenantID, id, key string) error {
	if len(key) < minImportedKey || len(key) > maxImportedKey ||
		strings.ContainsFunc(key, func(c rune) bool { return c > unicode.MaxASCII || !unicode.IsGraphic(c) || unicode.IsSpace(c) }) {
		return invalid("api_key", "an imported API key must be %d to %d printable ASCII characters without spaces", minImportedKey, maxImportedKey)
	}
	if _, err := s.adminClient(ctx, a, tenantID, id); err != nil {
		return err
	}
	hash := HashClientSecret(key)
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	switch other, err := s.st.ClientByAPIKey(sctx, hash); {
	case err == nil && other.ID != id:
		return &Error{Code: Conflict, Field: "api_key", Description: "another client holds this API key"}
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return storeErr("load client", err)
	}
	if err := s.st.SetAPIKey(sctx, id, hash); err != nil {
		return storeErr("set api key", err)
	}
	return nil
}
