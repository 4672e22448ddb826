package server_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/config"
)

// TestBootstrapCrashLeavesNothing: a failure in the middle of the first
// start's writes (a trigger refuses the last client, after the tenant,
// the admin and five clients were inserted) leaves no tenant, user or
// client, so the next start bootstraps again and returns credentials
// that log in. On both backends, through a trigger in the real database.
func TestBootstrapCrashLeavesNothing(t *testing.T) {
	cases := []struct {
		name   string
		config func(t *testing.T) *config.Config
		exec   func(t *testing.T, cfg *config.Config, stmts ...string)
		fail   []string // DDL that makes inserting hdi-client fail
		heal   []string // DDL that removes it
	}{
		{"sqlite", func(t *testing.T) *config.Config { return sqliteConfig(t, t.TempDir()) }, execSQLite,
			[]string{`CREATE TRIGGER crash BEFORE INSERT ON clients WHEN NEW.id = 'hdi-client' BEGIN SELECT RAISE(ABORT, 'injected crash'); END`},
			[]string{`DROP TRIGGER crash`}},
		{"postgres", postgresConfig, execPostgres,
			[]string{`CREATE FUNCTION crash() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected crash'; END $$ LANGUAGE plpgsql`,
				`CREATE TRIGGER crash BEFORE INSERT ON clients FOR EACH ROW WHEN (NEW.id = 'hdi-client') EXECUTE FUNCTION crash()`},
			[]string{`DROP TRIGGER crash ON clients`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := tc.config(t)
			app, _, err := build(t, cfg) // migrates: the tables exist
			if err != nil {
				t.Fatal(err)
			}
			tc.exec(t, cfg, tc.fail...)
			if cr, err := app.Bootstrap(ctx); err == nil || !strings.Contains(err.Error(), "injected crash") {
				t.Fatalf("Bootstrap with the last insert failing = %v, %v; want the injected error", cr, err)
			}
			if ts, err := app.Store.ListTenants(ctx); err != nil || len(ts) != 0 {
				t.Fatalf("after the failed bootstrap: tenants %v, %v; want none", ts, err)
			}
			if cs, err := app.Store.ListClients(ctx, ""); err != nil || len(cs) != 0 {
				t.Errorf("after the failed bootstrap: %d clients, %v; want none", len(cs), err)
			}
			tc.exec(t, cfg, tc.heal...)
			cr, err := app.Bootstrap(ctx)
			if err != nil || cr == nil || cr.ClientSecret == "" || cr.HDIKey == "" {
				t.Fatalf("the next Bootstrap = %+v, %v; want fresh credentials", cr, err)
			}
			if _, err := app.Svc.ClientByAPIKey(ctx, cr.HDIKey); err != nil {
				t.Errorf("the HDI key of the second bootstrap: %v", err)
			}
			if again, err := app.Bootstrap(ctx); again != nil || err != nil {
				t.Errorf("a third Bootstrap = %+v, %v; want nothing (the database is in use)", again, err)
			}
		})
	}
}

// postgresConfig is a config on a fresh schema of the test server.
func postgresConfig(t *testing.T) *config.Config {
	cfg := &config.Config{HTTPAddr: "127.0.0.1:0", DatabaseURL: apptest.PostgresURL(t), LogFormat: "text", StoreTimeout: 5e9,
		Secret: "test-secret-test-secret-test-secret!", DBMaxConns: 4}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// execSQLite runs statements on the config's SQLite file, as sqlite3 would.
func execSQLite(t *testing.T, cfg *config.Config, stmts ...string) {
	db, err := sql.Open("sqlite", "file:"+cfg.SQLitePath()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// execPostgres runs statements in the config's schema, as psql would.
func execPostgres(t *testing.T, cfg *config.Config, stmts ...string) {
	conn, err := pgx.Connect(context.Background(), cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, s := range stmts {
		if _, err := conn.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}
