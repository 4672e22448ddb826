package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// runStdin runs the CLI with stdin as its standard input.
func runStdin(t *testing.T, db, stdin string, args ...string) (string, string, int) {
	t.Helper()
	t.Setenv("RENOVA_SECRET", testSecret)
	var out, errb bytes.Buffer
	root := newRoot(&out, &errb)
	root.SetArgs(append(args, "--database-url", "sqlite:"+db, "--log-level", "error"))
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetIn(strings.NewReader(stdin))
	if err := root.ExecuteContext(context.Background()); err != nil {
		return out.String(), err.Error(), 1
	}
	return out.String(), errb.String(), 0
}

// TestPasswordFromStdin: --password-file - reads the first line of
// standard input, so `printf %s "$PW" | renova user set-password` keeps
// the password out of the arguments.
func TestPasswordFromStdin(t *testing.T) {
	f := newFixture(t)
	if _, errs, code := runStdin(t, f.db, "from standard input\nignored\n", "user", "set-password", "bob", "--password-file", "-"); code != 0 {
		t.Fatalf("set-password --password-file - = %d %s", code, errs)
	}
	if _, err := login(t, f.app, f.creds.ClientID, "bob", "from standard input"); err != nil {
		t.Errorf("login with the password from stdin: %v", err)
	}
	if _, errs, code := runStdin(t, f.db, "", "user", "create", "zoe", "--password-file", "-"); code == 0 || !strings.Contains(errs, "empty") {
		t.Errorf("user create with an empty stdin = %d %s, want refused", code, errs)
	}
}

// TestLifecycleCommands: the commands issue 13 adds map onto the core's
// operations and print the admin API's shapes with --json.
func TestLifecycleCommands(t *testing.T) {
	f := newFixture(t)
	db := f.db
	var ten struct{ Name, Type, Slug string }
	runJSON(t, db, &[]any{}, "tenant", "update", "demo", "--name", "Demo Co")
	runJSON(t, db, &ten, "tenant", "get", "demo")
	if ten.Name != "Demo Co" || ten.Slug != "demo" {
		t.Errorf("tenant get after update = %+v", ten)
	}

	var u struct {
		Name       string            `json:"name"`
		Roles      []string          `json:"roles"`
		Attributes map[string]string `json:"attributes"`
		Disabled   bool              `json:"disabled"`
	}
	var us []json.RawMessage
	runJSON(t, db, &us, "user", "update", "bob", "--name", "Bob B", "--roles", "ops", "--attr", "cpf=1")
	runJSON(t, db, &u, "user", "get", "bob")
	if u.Name != "Bob B" || strings.Join(u.Roles, ",") != "ops" || u.Attributes["cpf"] != "1" {
		t.Errorf("user get after update = %+v", u)
	}
	mustRun(t, db, "user", "disable", "bob")
	runJSON(t, db, &u, "user", "enable", "bob")
	if u.Disabled {
		t.Error("user enable --json shows bob disabled")
	}
	if _, err := login(t, f.app, f.creds.ClientID, "bob", "bob's password"); err != nil {
		t.Errorf("login after enable: %v", err)
	}
	mustRun(t, db, "user", "delete", "bob")
	failRun(t, db, `user "bob"`, "user", "get", "bob")

	// rotate-secret: the way back when the first start's secret is lost.
	var rot struct {
		Secret string    `json:"client_secret"`
		Until  time.Time `json:"previous_secret_until"`
	}
	runJSON(t, db, &rot, "client", "rotate-secret", "demo-client", "--overlap", "0")
	ctx := context.Background()
	if _, err := f.app.Svc.AuthenticateClient(ctx, "demo-client", f.creds.ClientSecret, true); err == nil {
		t.Error("the old secret still works after rotate-secret --overlap 0")
	}
	if _, err := f.app.Svc.AuthenticateClient(ctx, "demo-client", rot.Secret, true); err != nil || !rot.Until.IsZero() {
		t.Errorf("the new secret: %v (previous until %v)", err, rot.Until)
	}
	var c struct {
		Grace  string   `json:"grace"`
		Scopes []string `json:"scopes"`
	}
	runJSON(t, db, &[]any{}, "client", "update", "demo-client", "--grace", "0s", "--scopes", "openid")
	runJSON(t, db, &c, "client", "get", "demo-client")
	if c.Grace != "0s" || strings.Join(c.Scopes, ",") != "openid" {
		t.Errorf("client get after update = %+v", c)
	}
	if reason := refresh(t, f.app, f.admin1); reason != "" {
		t.Errorf("a refresh of demo-client's session after the rotation = %q, want it to rotate", reason)
	}
	mustRun(t, db, "client", "delete", "demo-client")
	failRun(t, db, `client "demo-client"`, "client", "get", "demo-client")
	if reason := refresh(t, f.app, f.admin2); reason != "session_revoked" {
		t.Errorf("refresh after client delete = %q, want session_revoked", reason)
	}

	var page struct {
		Items []struct {
			Actor    string `json:"actor"`
			Action   string `json:"action"`
			ClientID string `json:"client_id"`
		} `json:"items"`
		Next string `json:"next_cursor"`
	}
	runJSON(t, db, &page, "audit", "list", "--client", "demo-client", "--limit", "2")
	if len(page.Items) != 2 || page.Items[0].ClientID != "demo-client" || page.Items[1].ClientID != "demo-client" || page.Next == "" {
		t.Errorf("audit list --client demo-client = %+v, want two of its events and a cursor", page)
	}
	page.Items = nil
	runJSON(t, db, &page, "audit", "list", "--action", "admin.client.deleted")
	if len(page.Items) != 1 || page.Items[0].Actor != "cli" || page.Items[0].ClientID != "demo-client" {
		t.Errorf("audit list --action admin.client.deleted = %+v, want the deletion by cli", page.Items)
	}
	out := mustRun(t, db, "audit", "export", "--action", "admin.client.secret_rotated")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.Contains(lines[0], `"client_id":"demo-client"`) {
		t.Errorf("audit export --action admin.client.secret_rotated = %q, want one NDJSON line", out)
	}
	failRun(t, db, "cursor", "audit", "list", "--cursor", "forged.cursor")
}

// TestJSONShapes: --json prints snake_case names and leaves out a time
// not reached yet, never "0001-01-01T00:00:00Z" (issue 13).
func TestJSONShapes(t *testing.T) {
	f := newFixture(t)
	for _, args := range [][]string{{"keys", "list"}, {"tenant", "list"}, {"user", "list"}, {"client", "list"}, {"sessions", "list"}, {"audit", "list"}} {
		out := mustRun(t, f.db, append(args, "--json")...)
		if strings.Contains(out, "0001-01-01") || strings.Contains(out, `"ID"`) || strings.Contains(out, `"CreatedAt"`) {
			t.Errorf("%v --json prints a zero time or a Go field name:\n%.400s", args, out)
		}
	}
	var ks []map[string]any
	runJSON(t, f.db, &ks, "keys", "list")
	for _, k := range ks {
		_, activated := k["activated_at"]
		if k["state"] == "next" && activated {
			t.Errorf("a next key has activated_at: %v", k)
		}
		if _, ok := k["kid"]; !ok {
			t.Errorf("keys list --json entry without kid: %v", k)
		}
	}
}
