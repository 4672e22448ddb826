// Package pgtest gives tests an isolated PostgreSQL schema on the server
// named by RENOVA_TEST_DATABASE_URL. Without it, tests skip locally and
// fail in CI (CI is set), so nothing that matters skips there.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URL returns RENOVA_TEST_DATABASE_URL, failing in CI and skipping
// elsewhere when it is unset.
func URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("RENOVA_TEST_DATABASE_URL")
	if u != "" {
		return u
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("RENOVA_TEST_DATABASE_URL must be set in CI")
	}
	tb.Skip("RENOVA_TEST_DATABASE_URL is not set; set it to a PostgreSQL URL " +
		"(e.g. postgres://renova:renova@127.0.0.1:5432/renova_test?sslmode=disable) to run the PostgreSQL tests")
	return ""
}

// FreshSchema creates an empty schema t_<random>, drops it when the test
// ends, and returns base with its search_path set to the new schema.
func FreshSchema(tb testing.TB, base string) string {
	tb.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect %s: %v", base, err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { dropSchema(tb, base, schema) })
	return withSearchPath(tb, base, schema)
}

func dropSchema(tb testing.TB, base, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Errorf("drop schema %s: %v", schema, err)
		return
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
		tb.Errorf("drop schema %s: %v", schema, err)
	}
}

// withSearchPath adds search_path=schema to a URL or key=value DSN; pgx
// sends unknown parameters to the server as run-time settings.
func withSearchPath(tb testing.TB, base, schema string) string {
	if !strings.HasPrefix(base, "postgres://") && !strings.HasPrefix(base, "postgresql://") {
		return base + " search_path=" + schema
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
