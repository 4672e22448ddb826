package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/server"
)

// testSecret is the RENOVA_SECRET of every CLI run and of openApp, so
// that both open the same sealed signing keys.
const testSecret = "cli-test-secret-cli-test-secret-xx"

// run executes the CLI against the SQLite database at db and returns
// stdout, stderr and the exit code.
func run(t *testing.T, db string, args ...string) (string, string, int) {
	t.Helper()
	return runURL(t, "sqlite:"+db, args...)
}

// runURL executes the CLI against the database at url.
func runURL(t *testing.T, url string, args ...string) (string, string, int) {
	t.Helper()
	return execute(t, testSecret, append(args, "--database-url", url, "--log-level", "error")...)
}

// execute runs the CLI with exactly args and the given RENOVA_SECRET.
func execute(t *testing.T, secret string, args ...string) (string, string, int) {
	t.Helper()
	t.Setenv("RENOVA_SECRET", secret)
	var out, errb bytes.Buffer
	code := Execute(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

// runJSON runs a command with --json, which must succeed, and decodes its
// output into v.
func runJSON(t *testing.T, db string, v any, args ...string) {
	t.Helper()
	out, errs, code := run(t, db, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("renova %s = %d: %s", strings.Join(args, " "), code, errs)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("renova %s --json printed %q: %v", strings.Join(args, " "), out, err)
	}
}

// mustRun runs a command that must succeed and returns its stdout.
func mustRun(t *testing.T, db string, args ...string) string {
	t.Helper()
	out, errs, code := run(t, db, args...)
	if code != 0 {
		t.Fatalf("renova %s = %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// failRun runs a command that must fail and returns its stderr, which
// must carry the "renova:" prefix and want.
func failRun(t *testing.T, db, want string, args ...string) {
	t.Helper()
	out, errs, code := run(t, db, args...)
	if code != 1 || !strings.HasPrefix(errs, "renova: ") || !strings.Contains(errs, want) {
		t.Errorf("renova %s = %d, stdout %q, stderr %q; want exit 1 and an error containing %q", strings.Join(args, " "), code, out, errs, want)
	}
}

// pwFile writes pw to a file of its own and returns its path: the CLI
// takes passwords from files (or a prompt), never from its arguments.
func pwFile(t *testing.T, pw string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(f, []byte(pw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// newDB returns the path of a fresh SQLite database for one test.
func newDB(t *testing.T) string {
	return filepath.Join(t.TempDir(), "cli.db")
}

// openApp builds a renova on the CLI's database, as a running server would
// be, to set up sessions and to check what the commands did through the
// core. now is its clock (nil: time.Now).
func openApp(t *testing.T, db string, now func() time.Time) *server.App {
	t.Helper()
	cfg := &config.Config{HTTPAddr: "127.0.0.1:0", DatabaseURL: "sqlite:" + db, Issuer: "http://renova.test",
		Secret: testSecret, LogFormat: "text", StoreTimeout: 5 * time.Second}
	app, err := server.Build(context.Background(), cfg, slog.New(slog.DiscardHandler), server.Options{Now: now, Password: apptest.FastPassword})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	return app
}

// login opens a session for user through the core, as the token endpoint
// would.
func login(t *testing.T, app *server.App, clientID, user, pw string) (*auth.Grant, error) {
	t.Helper()
	c, err := app.Store.GetClient(context.Background(), clientID)
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := app.Svc.Login(context.Background(), auth.LoginRequest{Client: c, Username: user, Password: pw, Meta: auth.Meta{IP: "192.0.2.1"}})
	return g, err
}

// refresh presents a refresh token through the core and returns the
// reason it was refused ("" when it rotated).
func refresh(t *testing.T, app *server.App, g *auth.Grant) string {
	t.Helper()
	_, err := app.Svc.Refresh(context.Background(), auth.RefreshRequest{Client: g.Client, Token: g.RefreshToken})
	if err == nil {
		return ""
	}
	if e := auth.AsError(err); e != nil {
		return e.Reason
	}
	t.Fatalf("Refresh: %v", err)
	return ""
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
	if err := json.Unmarshal([]byte(out), &tenants); err != nil || len(tenants) != 1 || tenants[0]["slug"] != "acme" {
		t.Errorf("tenant list --json = %s (%v)", out, err)
	}
	out, errs, code := run(t, db, "user", "create", "bob", "--tenant", "acme", "--email", "bob@acme.test", "--json")
	if code != 0 || !strings.Contains(errs, "generated password (shown once)") || strings.Contains(out, "argon2") {
		t.Errorf("user create = %d out %s err %s", code, out, errs)
	}
	out, _, code = run(t, db, "client", "create", "partner", "--tenant", "acme", "--api-key", "--alg", "RS256", "--json")
	// The admin API's client, flat, with the secret and key shown once.
	var created struct {
		Alg    string `json:"alg"`
		Secret string `json:"client_secret"`
		APIKey string `json:"api_key"`
	}
	if err := json.Unmarshal([]byte(out), &created); code != 0 || err != nil || !strings.HasPrefix(created.Secret, "rn_cs_") ||
		!strings.HasPrefix(created.APIKey, "rn_ak_") || created.Alg != "RS256" {
		t.Errorf("client create --api-key --json = %d %s", code, out)
	}
	if _, errs, code := run(t, db, "client", "create", "x", "--tenant", "acme", "--alg", "HS256"); code == 0 || !strings.Contains(errs, "HS256") {
		t.Errorf("client create --alg HS256 = %d %s; want refused", code, errs)
	}
	if _, errs, code := run(t, db, "user", "set-password", "bob", "--tenant", "acme", "--password-file", pwFile(t, "short")); code == 0 || !strings.Contains(errs, "at least 10") {
		t.Errorf("set-password short = %d %s", code, errs)
	}
	if out, _, code := run(t, db, "user", "disable", "bob", "--tenant", "acme"); code != 0 || !strings.Contains(out, "disabled bob") {
		t.Errorf("user disable = %d %s", code, out)
	}
	// The next key was made by this test's first start: too young for
	// verifiers holding a cached JWKS, so rotate refuses without --force.
	if _, errs, code := run(t, db, "keys", "rotate", "ES256"); code == 0 || !strings.Contains(errs, "wait ") || !strings.Contains(errs, "--force") {
		t.Errorf("keys rotate of a young next key = %d %s; want refused, naming the wait and --force", code, errs)
	}
	if out, _, code := run(t, db, "keys", "rotate", "ES256", "--force"); code != 0 || !strings.Contains(out, "ES256: current key is now") {
		t.Errorf("keys rotate --force = %d %s", code, out)
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
