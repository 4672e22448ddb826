package auth

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// Bounds of one sessions import: lines are short (a token, a login, a
// client id, two times), and the file is checked whole before anything is
// stored, so it is held in memory: at most MaxSessionImport sessions.
const (
	MaxSessionImport          = 100_000
	maxSessionImportLineBytes = 4 << 10
)

// SessionImportLine is one line of a sessions import (docs/migration.md):
// a legacy refresh token or its SHA-256, its user and client, and its
// issue and expiry times (RFC 3339, optional).
type SessionImportLine struct {
	RefreshToken string    `json:"refresh_token"`
	TokenSHA256  string    `json:"token_sha256"`
	User         string    `json:"user"`
	Client       string    `json:"client"`
	IssuedAt     time.Time `json:"issued_at"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// SessionImportSummary counts what a sessions import did.
type SessionImportSummary struct {
	Imported   int `json:"imported"`
	Expired    int `json:"expired"`
	Duplicates int `json:"duplicates"`
}

// ImportSessions adopts the exported legacy sessions of an NDJSON stream
// offline, for `renova sessions import` and the admin API alike. The
// stream is read and every line checked first (shape, token format,
// client in tenantID — "" for any, the command line's case), so a bad
// line imports nothing and is named by its number, never its token.
// Expired sessions and tokens already stored are skipped and counted. A
// failure while storing stops the import; the sessions before it stay,
// and importing the file again counts them as duplicates. The call is one
// audit event; each adopted session is one more.
func (s *Service) ImportSessions(ctx context.Context, a Actor, tenantID string, r io.Reader) (SessionImportSummary, error) {
	var sum SessionImportSummary
	err := s.importSessions(ctx, a, tenantID, r, &sum)
	return sum, s.audited(ctx, a, store.AuditEvent{Action: "admin.session.imported", TenantID: tenantID}, err)
}

func (s *Service) importSessions(ctx context.Context, a Actor, tenantID string, r io.Reader, sum *SessionImportSummary) error {
	if !a.sees(tenantID) {
		return notFound("tenant")
	}
	if tenantID == "" && a.Tenant != "" {
		tenantID = a.Tenant
	}
	lines, err := s.readSessionImport(ctx, tenantID, r)
	if err != nil {
		return err
	}
	for i, l := range lines {
		_, err := s.importSession(ctx, a, ImportedSession(l))
		switch {
		case err == nil:
			sum.Imported++
		case errors.Is(err, ErrImportExpired):
			sum.Expired++
		case errors.Is(err, ErrImportDuplicate):
			sum.Duplicates++
		default:
			return fmt.Errorf("session %d of %d (%d imported before it): %w", i+1, len(lines), sum.Imported, err)
		}
	}
	return nil
}

// readSessionImport reads and checks every line of r.
func (s *Service) readSessionImport(ctx context.Context, tenantID string, r io.Reader) ([]SessionImportLine, error) {
	var out []SessionImportLine
	clients := map[string]bool{} // client id → in tenantID
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4<<10), maxSessionImportLineBytes)
	n := 0
	for sc.Scan() {
		n++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if len(out) == MaxSessionImport {
			return nil, invalid("body", "line %d: at most %d sessions a call; split the file", n, MaxSessionImport)
		}
		var l SessionImportLine
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, invalid("body", "line %d: not a session object (refresh_token|token_sha256, user, client, issued_at, expires_at)", n)
		}
		if (l.RefreshToken == "") == (l.TokenSHA256 == "") || l.User == "" || l.Client == "" {
			return nil, invalid("body", "line %d: needs exactly one of refresh_token and token_sha256, and user and client", n)
		}
		if _, err := importHash(ImportedSession{RefreshToken: l.RefreshToken, TokenSHA256: l.TokenSHA256}); err != nil {
			return nil, invalid("body", "line %d: %v", n, err)
		}
		ok, seen := clients[l.Client]
		if !seen {
			c, err := s.client(ctx, l.Client)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, storeErr("load client", err)
			}
			ok = err == nil && (tenantID == "" || c.TenantID == tenantID)
			clients[l.Client] = ok
		}
		if !ok {
			return nil, invalid("body", "line %d: client %q not found", n, l.Client)
		}
		out = append(out, l)
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return nil, invalid("body", "line %d: longer than %d bytes", n+1, maxSessionImportLineBytes)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	return out, nil
}
