package cli

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// userJSON is the --json shape of a user.
type userJSON struct {
	ID, Login, Email, Name string
	Seq                    int64
	Roles                  []string
	Disabled               bool
}

// TestUserCreate: a user gets the password given, a generated one shown
// once on stderr, or an imported legacy hash that logs in and is then
// re-hashed with argon2id (PRODUCT.md §1); bad input is refused.
func TestUserCreate(t *testing.T) {
	db := newDB(t)
	mustRun(t, db, "tenant", "create", "acme")
	var created []userJSON
	runJSON(t, db, &created, "user", "create", "alice", "--tenant", "acme", "--password-file", pwFile(t, "correct horse"),
		"--email", "alice@acme.test", "--name", "Alice", "--roles", "admin,ops", "--code", "U1", "--permission-role", "r1", "--external")
	if len(created) != 1 || created[0].Login != "alice" || !slices.Equal(created[0].Roles, []string{"admin", "ops"}) || created[0].Email != "alice@acme.test" {
		t.Errorf("user create alice --json = %+v", created)
	}

	out, errs, code := run(t, db, "user", "create", "bob", "--tenant", "acme")
	m := regexp.MustCompile(`generated password \(shown once\): (\S+)`).FindStringSubmatch(errs)
	if code != 0 || m == nil || len(m[1]) != 20 || strings.Contains(out, m[1]) {
		t.Fatalf("user create bob = %d, stdout %q, stderr %q; want a 20-character password on stderr only", code, out, errs)
	}
	bobPassword := m[1]

	legacy, err := bcrypt.GenerateFromPassword([]byte("legacy password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run(t, db, "user", "create", "carol", "--tenant", "acme", "--password-hash", string(legacy)); code != 0 || strings.Contains(errs, "generated") {
		t.Fatalf("user create --password-hash = %d %s", code, errs)
	}

	failRun(t, db, "a password and --password-hash go alone", "user", "create", "dave", "--tenant", "acme", "--password-file", pwFile(t, "long enough"), "--password-hash", string(legacy))
	failRun(t, db, "unsupported password hash", "user", "create", "dave", "--tenant", "acme", "--password-hash", "md5:abc")
	failRun(t, db, "not a valid bcrypt hash", "user", "create", "dave", "--tenant", "acme", "--password-hash", "$2a$10$short")
	failRun(t, db, "at least 10", "user", "create", "dave", "--tenant", "acme", "--password-file", pwFile(t, "short"))
	failRun(t, db, `user with login "alice" already exists`, "user", "create", "alice", "--tenant", "acme", "--password-file", pwFile(t, "another one"))
	failRun(t, db, `tenant "ghost"`, "user", "create", "dave", "--tenant", "ghost")

	app := openApp(t, db, nil)
	mustRun(t, db, "client", "create", "web", "--tenant", "acme")
	for user, pw := range map[string]string{"alice": "correct horse", "alice@acme.test": "correct horse", "bob": bobPassword, "carol": "legacy password"} {
		if _, err := login(t, app, "web", user, pw); err != nil {
			t.Errorf("login %s with the password the CLI set = %v", user, err)
		}
	}
	acme, _ := app.Store.TenantBySlug(context.Background(), "acme")
	carol, err := app.Store.UserByLogin(context.Background(), acme.ID, "carol")
	if err != nil || !strings.HasPrefix(carol.PasswordHash, "$argon2id$") {
		t.Errorf("carol's hash after her first login = %.12q, %v; want it re-hashed with argon2id", carol.PasswordHash, err)
	}
	alice, _ := app.Store.UserByLogin(context.Background(), acme.ID, "alice")
	if alice.Code != "U1" || alice.PermissionRole != "r1" || !alice.External || alice.Name != "Alice" {
		t.Errorf("alice as stored: code %q role %q external %v name %q", alice.Code, alice.PermissionRole, alice.External, alice.Name)
	}
}

// TestUserList: both forms list the tenant's users, and neither ever shows
// a password hash.
func TestUserList(t *testing.T) {
	db := newDB(t)
	mustRun(t, db, "tenant", "create", "acme")
	mustRun(t, db, "tenant", "create", "other")
	mustRun(t, db, "user", "create", "alice", "--tenant", "acme", "--password-file", pwFile(t, "correct horse"), "--roles", "admin")
	mustRun(t, db, "user", "create", "bob", "--tenant", "acme", "--password-file", pwFile(t, "correct horse"), "--email", "bob@acme.test")
	mustRun(t, db, "user", "create", "eve", "--tenant", "other", "--password-file", pwFile(t, "correct horse"))

	var users []userJSON
	runJSON(t, db, &users, "user", "list", "--tenant", "acme")
	if len(users) != 2 || users[0].Seq == users[1].Seq {
		t.Fatalf("user list --tenant acme = %+v; want alice and bob, with distinct sequence ids", users)
	}
	out := mustRun(t, db, "user", "list", "--tenant", "acme")
	if strings.Contains(out, "argon2") || strings.Contains(out, "eve") {
		t.Errorf("user list shows a hash or another tenant's user:\n%s", out)
	}
	if json := mustRun(t, db, "user", "list", "--tenant", "acme", "--json"); strings.Contains(json, "argon2") || strings.Contains(strings.ToLower(json), "hash") {
		t.Errorf("user list --json shows a hash:\n%s", json)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || strings.Join(strings.Fields(lines[0]), " ") != "LOGIN EMAIL NAME SEQ ROLES DISABLED ID" {
		t.Errorf("user list:\n%s\nwant a header and two rows", out)
	}
	if out := mustRun(t, db, "user", "list", "--tenant", "other", "--json"); !strings.Contains(out, `"login": "eve"`) {
		t.Errorf("user list --tenant other --json = %s", out)
	}
	failRun(t, db, `tenant "demo"`, "user", "list") // --tenant defaults to demo, which this database lacks
}

// TestUserDisableAndSetPassword: disabling a user or setting their
// password revokes their sessions at once (PRODUCT.md §2.5); a disabled
// user cannot log in; the new password works and the old does not.
func TestUserDisableAndSetPassword(t *testing.T) {
	f := newFixture(t)
	db, app, cr, adminSession, bobSession := f.db, f.app, f.creds, f.admin1, f.bob

	if out := mustRun(t, db, "user", "set-password", "admin", "--password-file", pwFile(t, "a brand new one")); !strings.Contains(out, "password of admin changed; sessions revoked") {
		t.Errorf("set-password printed %q", out)
	}
	if reason := refresh(t, app, adminSession); reason != "session_revoked" {
		t.Errorf("admin's refresh after set-password: reason %q, want session_revoked", reason)
	}
	if _, err := login(t, app, cr.ClientID, "admin", cr.AdminPass); err == nil {
		t.Error("the old password still logs in")
	}
	if _, err := login(t, app, cr.ClientID, "admin", "a brand new one"); err != nil {
		t.Errorf("the new password: %v", err)
	}

	if out := mustRun(t, db, "user", "disable", "bob"); strings.TrimSpace(out) != "disabled bob" {
		t.Errorf("user disable bob printed %q", out)
	}
	if reason := refresh(t, app, bobSession); reason != "session_revoked" {
		t.Errorf("bob's refresh after disable: reason %q, want session_revoked", reason)
	}
	if _, err := login(t, app, cr.ClientID, "bob", "bob's password"); err == nil {
		t.Error("a disabled user logged in")
	}
	var users []userJSON
	runJSON(t, db, &users, "user", "list")
	for _, u := range users {
		if u.Disabled != (u.Login == "bob") {
			t.Errorf("user list: %s disabled = %v", u.Login, u.Disabled)
		}
	}

	failRun(t, db, `user "ghost"`, "user", "disable", "ghost")
	failRun(t, db, `user "ghost"`, "user", "set-password", "ghost", "--password-file", pwFile(t, "long enough"))
	// Never on the command line; without a file and off a terminal, the
	// command says how to give it.
	failRun(t, db, "give the password with --password-file", "user", "set-password", "admin")
	failRun(t, db, "unknown flag: --password", "user", "set-password", "admin", "--password", "a brand new one")
	failRun(t, db, "unknown flag: --password", "user", "create", "zed", "--password", "a brand new one")
	failRun(t, db, "is empty", "user", "set-password", "admin", "--password-file", pwFile(t, ""))
	failRun(t, db, "at least 10", "user", "set-password", "admin", "--password-file", pwFile(t, "short"))
}
