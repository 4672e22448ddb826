package benchtarget

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for the invariant queries
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"

	"github.com/renova-auth/renova/internal/bench"
)

// database is a read connection to the run's database. The invariants
// read it directly, with SQL that holds on both backends, because "one
// unused token per session" is a statement about every row, which no
// store method answers.
type database struct {
	*sql.DB
	pg bool
}

// openDatabase opens dbURL (sqlite:PATH or postgres://...) for reading.
func openDatabase(dbURL string) (*database, error) {
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
		return &database{DB: db}, err
	}
	db, err := sql.Open("pgx", dbURL)
	return &database{DB: db, pg: true}, err
}

// q rewrites ? placeholders as $1, $2, ... for PostgreSQL.
func (d *database) q(s string) string {
	if !d.pg {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tally counts the client's sessions and their unused tokens.
func (d *database) tally(ctx context.Context, clientID string) (bench.Tally, error) {
	var t bench.Tally
	// One pass over the unused tokens: refresh_tokens has no index on
	// session_id (the hot path never needs one).
	rows, err := d.QueryContext(ctx, d.q(`SELECT s.revoked_at IS NOT NULL, coalesce(u.n, 0)
		FROM sessions s LEFT JOIN (SELECT session_id, count(*) AS n FROM refresh_tokens
			WHERE used_at IS NULL GROUP BY session_id) u ON u.session_id = s.id
		WHERE s.client_id = ?`), clientID)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var revoked bool
		var unused int
		if err := rows.Scan(&revoked, &unused); err != nil {
			return t, err
		}
		t.Sessions++
		switch {
		case revoked:
			t.Revoked++
		case unused == 1:
			t.OneLive++
		default:
			t.Anomalies++
		}
	}
	return t, rows.Err()
}

// children counts the successors stored for the token hashed to parent.
func (d *database) children(ctx context.Context, parent []byte) (int, error) {
	var n int
	err := d.QueryRowContext(ctx, d.q("SELECT count(*) FROM refresh_tokens WHERE parent_hash = ?"), parent).Scan(&n)
	return n, err
}

// freshSchema creates an empty schema prefix<random> on the server of
// base and returns base with its search_path set to it, and a func that
// drops it. pgx passes unknown URL parameters to the server as settings.
func freshSchema(ctx context.Context, base, prefix string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("database url: %w", err)
	}
	schema := prefix + randomHex(6)
	if err := adminExec(ctx, base, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = adminExec(ctx, base, "DROP SCHEMA "+schema+" CASCADE")
	}
	return u.String(), drop, nil
}

// adminExec runs one statement on its own connection.
func adminExec(ctx context.Context, dbURL, stmt string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, stmt)
	return err
}
