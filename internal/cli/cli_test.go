package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// run executes the CLI against the database at db and returns stdout.
func run(t *testing.T, db string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	t.Setenv("RENOVA_SECRET", "cli-test-secret-cli-test-secret-xx")
	code := Execute(context.Background(), append(args, "--database-url", "sqlite:"+db, "--log-level", "error"), &out, &errb)
	return out.String(), errb.String(), code
}

// TestAdminCommands walks the admin commands a new operator uses, with
// --json where scripts would.
func TestAdminCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	if out, errs, code := run(t, db, "migrate"); code != 0 || !strings.Contains(out, "migrations applied") {
		t.Fatalf("migrate = %d %s %s", code, out, errs)
	}
	if _, errs, code := run(t, db, "tenant", "create", "acme", "--name", "Acme", "--type", "matriz"); code != 0 {
		t.Fatalf("tenant create: %s", errs)
	}
	out, _, _ := run(t, db, "tenant", "list", "--json")
	var tenants []map[string]any
	if err := json.Unmarshal([]byte(out), &tenants); err != nil || len(tenants) != 1 || tenants[0]["Slug"] != "acme" {
		t.Errorf("tenant list --json = %s (%v)", out, err)
	}
	out, errs, code := run(t, db, "user", "create", "bob", "--tenant", "acme", "--email", "bob@acme.test", "--json")
	if code != 0 || !strings.Contains(errs, "generated password (shown once)") || strings.Contains(out, "argon2") {
		t.Errorf("user create = %d out %s err %s", code, out, errs)
	}
	out, _, code = run(t, db, "client", "create", "partner", "--tenant", "acme", "--api-key", "--alg", "RS256", "--json")
	var created struct {
		Client struct{ Alg string } `json:"client"`
		Secret string               `json:"client_secret"`
		APIKey string               `json:"api_key"`
	}
	if err := json.Unmarshal([]byte(out), &created); code != 0 || err != nil || !strings.HasPrefix(created.Secret, "rn_cs_") ||
		!strings.HasPrefix(created.APIKey, "rn_ak_") || created.Client.Alg != "RS256" {
		t.Errorf("client create --api-key --json = %d %s", code, out)
	}
	if _, errs, code := run(t, db, "client", "create", "x", "--tenant", "acme", "--alg", "HS256"); code == 0 || !strings.Contains(errs, "HS256") {
		t.Errorf("client create --alg HS256 = %d %s; want refused", code, errs)
	}
	if _, errs, code := run(t, db, "user", "set-password", "bob", "--tenant", "acme", "--password", "short"); code == 0 || !strings.Contains(errs, "at least 8") {
		t.Errorf("set-password short = %d %s", code, errs)
	}
	if out, _, code := run(t, db, "user", "disable", "bob", "--tenant", "acme"); code != 0 || !strings.Contains(out, "disabled bob") {
		t.Errorf("user disable = %d %s", code, out)
	}
	if out, _, code := run(t, db, "keys", "rotate", "ES256"); code != 0 || !strings.Contains(out, "ES256: current key is now") {
		t.Errorf("keys rotate = %d %s", code, out)
	}
	if out, _, _ := run(t, db, "keys", "list"); strings.Count(out, "retired") != 1 {
		t.Errorf("keys list after one rotation:\n%s", out)
	}
	if _, errs, code := run(t, db, "sessions", "revoke", "ses_nope"); code == 0 || !strings.Contains(errs, "not found") {
		t.Errorf("sessions revoke unknown = %d %s", code, errs)
	}
	if out, _, code := run(t, db, "sessions", "revoke", "--user", "bob", "--tenant", "acme"); code != 0 || !strings.Contains(out, "revoked 0 session(s) of bob") {
		t.Errorf("sessions revoke --user = %d %s", code, out)
	}
	if _, errs, code := run(t, db, "user", "list", "--tenant", "ghost"); code == 0 || !strings.Contains(errs, `tenant "ghost"`) {
		t.Errorf("user list for an unknown tenant = %d %s", code, errs)
	}
}
