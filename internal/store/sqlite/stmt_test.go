package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreparedStatements prepares every named statement of both pools on a
// migrated database, so that a typo in one fails here, by name, and checks
// that Open prepared each into its field and Close released them.
func TestPreparedStatements(t *testing.T) {
	path := filepath.Join(t.TempDir(), "renova.db")
	db, err := Open(context.Background(), path)
	must(t, err)
	var ws writeStmts
	var rs readStmts
	pools := []struct {
		name   string
		db     *sql.DB
		fresh  []namedStmt // unprepared, to prepare here
		opened []namedStmt // as Open left them
	}{
		{"writer", db.w, ws.named(), db.ws.named()},
		{"reader", db.r, rs.named(), db.rs.named()},
	}
	seen := map[string]bool{}
	for _, p := range pools {
		for i, n := range p.fresh {
			if seen[n.name] {
				t.Errorf("%s: statement name %s used twice", p.name, n.name)
			}
			seen[n.name] = true
			st, err := p.db.PrepareContext(context.Background(), n.sql)
			if err != nil {
				t.Errorf("%s: prepare %s: %v", p.name, n.name, err)
				continue
			}
			st.Close()
			if *p.opened[i].st == nil {
				t.Errorf("%s: Open left %s unprepared", p.name, n.name)
			}
		}
	}
	must(t, db.Close())
	for _, p := range pools {
		for _, n := range p.opened {
			if *n.st != nil {
				t.Errorf("%s: %s still set after Close", p.name, n.name)
			}
		}
	}
}

// TestPrepareFailure checks that a statement that does not prepare fails
// with its name, and that those prepared before it are closed again.
func TestPrepareFailure(t *testing.T) {
	db, _ := openTemp(t)
	var good, bad *sql.Stmt
	list := []namedStmt{
		{"good", "SELECT 1", &good},
		{"typo", "SELEKT 1", &bad},
	}
	err := prepare(context.Background(), db.r, list)
	if err == nil || !strings.Contains(err.Error(), "prepare typo") {
		t.Errorf("prepare(with a typo) = %v, want an error naming typo", err)
	}
	if good != nil || bad != nil {
		t.Errorf("after a failed prepare: good %v, typo %v; want both nil", good, bad)
	}
}

// TestNumberedPlaceholders checks what sqlstore relies on: the driver binds
// $N to the N-th argument, whatever order and however often $N appears.
func TestNumberedPlaceholders(t *testing.T) {
	db, _ := openTemp(t)
	cases := []struct {
		q    string
		args []any
		want string
	}{
		{"SELECT $1 || $2", []any{"a", "b"}, "ab"},
		{"SELECT $2 || $1", []any{"a", "b"}, "ba"},
		{"SELECT $1 || $2 || $1", []any{"a", "b"}, "aba"},
	}
	for _, tc := range cases {
		if got := queryString(t, db.r, tc.q, tc.args...); got != tc.want {
			t.Errorf("%s with %v = %q, want %q", tc.q, tc.args, got, tc.want)
		}
	}
}
