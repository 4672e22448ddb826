package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
)

// TestSessionsImport: exported legacy sessions are adopted offline, by
// token or by its SHA-256; an expired one and a repeat are skipped; the
// imported token then rotates at its client like any token, without a
// legacy system; a malformed file imports nothing and names the line.
func TestSessionsImport(t *testing.T) {
	db := newDB(t)
	app := openApp(t, db, nil)
	creds, err := app.Bootstrap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	app.Close()
	now := time.Now().UTC()
	sum := sha256.Sum256([]byte("legacy-token-of-olduser"))
	lines := []string{
		`{"refresh_token":"legacy-token-of-admin","user":"admin","client":"` + creds.ClientID + `","issued_at":"` + now.Add(-time.Hour).Format(time.RFC3339) + `","expires_at":"` + now.Add(time.Hour).Format(time.RFC3339) + `"}`,
		`{"token_sha256":"` + hex.EncodeToString(sum[:]) + `","user":"olduser","client":"` + creds.ClientID + `"}`,
		`{"refresh_token":"legacy-token-expired","user":"admin","client":"` + creds.ClientID + `","expires_at":"` + now.Add(-time.Minute).Format(time.RFC3339) + `"}`,
	}
	file := filepath.Join(t.TempDir(), "sessions.ndjson")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var res auth.SessionImportSummary
	runJSON(t, db, &res, "sessions", "import", file)
	if res != (auth.SessionImportSummary{Imported: 2, Expired: 1}) {
		t.Errorf("first import = %+v, want 2 imported, 1 expired", res)
	}
	runJSON(t, db, &res, "sessions", "import", file)
	if res != (auth.SessionImportSummary{Expired: 1, Duplicates: 2}) {
		t.Errorf("second import = %+v, want 2 duplicates, 1 expired", res)
	}

	app = openApp(t, db, nil)
	c, _ := app.Store.GetClient(context.Background(), creds.ClientID)
	for _, tok := range []string{"legacy-token-of-admin", "legacy-token-of-olduser"} {
		g, err := app.Svc.Refresh(context.Background(), auth.RefreshRequest{Client: c, Token: tok})
		if err != nil || !strings.HasPrefix(g.RefreshToken, "rn_rt_") {
			t.Errorf("Refresh(imported %s) = %v, want a renova pair", tok, err)
		}
	}
	if _, err := app.Svc.Refresh(context.Background(), auth.RefreshRequest{Client: c, Token: "legacy-token-expired"}); err == nil {
		t.Error("the expired session's token rotated")
	}

	bad := filepath.Join(t.TempDir(), "bad.ndjson")
	_ = os.WriteFile(bad, []byte(lines[0]+"\n{\"user\":\"x\"}\n"), 0o600)
	failRun(t, db, "line 2", "sessions", "import", bad)
}
