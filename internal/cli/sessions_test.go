package cli

import (
	"context"
	"github.com/renova-auth/renova/internal/store"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/server"
)

// sessionJSON is the part of the --json shape of a session these tests read.
type sessionJSON struct {
	ID           string `json:"id"`
	UserID       string `json:"user_id"`
	ClientID     string `json:"client_id"`
	Generation   int64  `json:"generation"`
	RevokeReason string `json:"revoke_reason"`
}

// fixture is a bootstrapped database on which admin logged in twice and
// bob once, on the demo client, through an app on that database.
type fixture struct {
	db                  string
	app                 *server.App
	creds               *server.Credentials
	admin1, admin2, bob *auth.Grant
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{db: newDB(t)}
	f.app = openApp(t, f.db, nil)
	var err error
	if f.creds, err = f.app.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustRun(t, f.db, "user", "create", "bob", "--password-file", pwFile(t, "bob's password"))
	for _, s := range []struct {
		g        **auth.Grant
		user, pw string
	}{{&f.admin1, "admin", f.creds.AdminPass}, {&f.admin2, "admin", f.creds.AdminPass}, {&f.bob, "bob", "bob's password"}} {
		if *s.g, err = login(t, f.app, f.creds.ClientID, s.user, s.pw); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestSessionsList: the list shows every session newest first with its
// state, and filters by user, client and liveness.
func TestSessionsList(t *testing.T) {
	db := newDB(t)
	if out := mustRun(t, db, "sessions", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("sessions list --json with no sessions = %q, want []", out)
	}
	f := newFixture(t)
	db, admin1, admin2, bob := f.db, f.admin1.Session, f.admin2.Session, f.bob.Session
	var all []sessionJSON
	runJSON(t, db, &all, "sessions", "list")
	if len(all) != 3 {
		t.Fatalf("sessions list --json = %+v, want 3 sessions", all)
	}
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--user-id", admin1.UserID}, []string{admin1.ID, admin2.ID}},
		{[]string{"--user-id", bob.UserID}, []string{bob.ID}},
		{[]string{"--client", "demo-client"}, []string{admin1.ID, admin2.ID, bob.ID}},
		{[]string{"--client", "icredit-client"}, nil},
		{[]string{"--active"}, []string{admin1.ID, admin2.ID, bob.ID}},
	}
	for _, tc := range cases {
		var got []sessionJSON
		runJSON(t, db, &got, append([]string{"sessions", "list"}, tc.args...)...)
		if !sameIDs(got, tc.want) {
			t.Errorf("sessions list %v = %v, want %v", tc.args, ids(got), tc.want)
		}
	}
	out := mustRun(t, db, "sessions", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || strings.Join(strings.Fields(lines[0]), " ") != "SESSION USER CLIENT GEN CREATED STATE" || strings.Count(out, " live") != 3 {
		t.Errorf("sessions list:\n%s\nwant a header and three live sessions", out)
	}
}

func ids(ss []sessionJSON) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return out
}

func sameIDs(got []sessionJSON, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[string]bool{}
	for _, s := range got {
		seen[s.ID] = true
	}
	for _, id := range want {
		if !seen[id] {
			return false
		}
	}
	return true
}

// TestSessionsRevoke: revoking one session ends exactly that refresh
// family; --user logs a user out everywhere (PRODUCT.md §2.5).
func TestSessionsRevoke(t *testing.T) {
	f := newFixture(t)
	db, app, admin1, admin2, bob := f.db, f.app, f.admin1, f.admin2, f.bob

	if out := mustRun(t, db, "sessions", "revoke", admin1.Session.ID); strings.TrimSpace(out) != "revoked "+admin1.Session.ID {
		t.Errorf("sessions revoke printed %q", out)
	}
	if reason := refresh(t, app, admin1); reason != "session_revoked" {
		t.Errorf("refresh of the revoked session: reason %q, want session_revoked", reason)
	}
	// The operator's revocation is audited like any other, naming the CLI.
	app.Audit.Flush()
	if ev, err := app.Store.ListAudit(context.Background(), store.AuditFilter{SessionID: admin1.Session.ID, Action: "session.revoked"}); err != nil ||
		len(ev) != 1 || ev[0].Actor != "cli" || ev[0].Reason != "admin" {
		t.Errorf("audit of sessions revoke = %+v, %v; want one session.revoked by cli, reason admin", ev, err)
	}
	if reason := refresh(t, app, admin2); reason != "" {
		t.Errorf("refresh of admin's other session: reason %q, want it to rotate", reason)
	}
	var active []sessionJSON
	runJSON(t, db, &active, "sessions", "list", "--active")
	if !sameIDs(active, []string{admin2.Session.ID, bob.Session.ID}) {
		t.Errorf("active sessions after one revocation = %v", ids(active))
	}
	if out := mustRun(t, db, "sessions", "list"); !strings.Contains(out, "revoked:admin") {
		t.Errorf("sessions list does not show the revocation:\n%s", out)
	}
	mustRun(t, db, "sessions", "revoke", admin1.Session.ID) // revoking twice is harmless

	if out := mustRun(t, db, "sessions", "revoke", "--user", "admin"); strings.TrimSpace(out) != "revoked 1 session(s) of admin" {
		t.Errorf("sessions revoke --user admin printed %q; want the one live session counted", out)
	}
	runJSON(t, db, &active, "sessions", "list", "--active")
	if !sameIDs(active, []string{bob.Session.ID}) {
		t.Errorf("active sessions after logging admin out everywhere = %v, want only bob's", ids(active))
	}
	if reason := refresh(t, app, bob); reason != "" {
		t.Errorf("bob's session after admin's logout: %q, want it untouched", reason)
	}

	failRun(t, db, "give a SESSION_ID or --user LOGIN", "sessions", "revoke")
	failRun(t, db, "give a SESSION_ID or --user LOGIN", "sessions", "revoke", bob.Session.ID, "--user", "bob")
	failRun(t, db, `user "ghost"`, "sessions", "revoke", "--user", "ghost")
	failRun(t, db, "not found", "sessions", "revoke", "ses_ghost")
}

// TestSessionsExpiredState: a session past its idle timeout shows as
// expired and is not active. The session is made by an app whose clock
// is 31 days behind: the demo client idles out after 30.
func TestSessionsExpiredState(t *testing.T) {
	db := newDB(t)
	past := openApp(t, db, func() time.Time { return time.Now().Add(-31 * 24 * time.Hour) })
	cr, err := past.Bootstrap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	g, err := login(t, past, cr.ClientID, cr.AdminLogin, cr.AdminPass)
	if err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, db, "sessions", "list")
	if !strings.Contains(out, g.Session.ID) || !strings.Contains(out, "expired") {
		t.Errorf("sessions list with an idle-expired session:\n%s", out)
	}
	var active []sessionJSON
	runJSON(t, db, &active, "sessions", "list", "--active")
	if len(active) != 0 {
		t.Errorf("sessions list --active = %v, want none", ids(active))
	}
}
