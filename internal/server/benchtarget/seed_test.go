package benchtarget_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/bench"
	"github.com/renova-auth/renova/internal/server/benchtarget"
	"github.com/renova-auth/renova/internal/store/postgres/pgtest"
)

// TestSeedSessions bulk-inserts sessions on both backends: every seeded
// session is live with exactly one unused token, none of them is the
// bench client's (the invariants count that one), and the bench client's
// refresh still works beside them.
func TestSeedSessions(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dbURL := ""
			if backend == "postgres" {
				dbURL = pgtest.URL(t)
			}
			l := benchtarget.New(benchtarget.Config{TempDir: t.TempDir(), DatabaseURL: dbURL, Users: 1, SeedSessions: 300,
				Password: apptest.FastPassword, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			std, err := bench.Lookup("standard")
			if err != nil {
				t.Fatal(err)
			}
			srv, err := l.Renova(context.Background(), std)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			ctx := context.Background()
			seeded, err := srv.Store.Tally(ctx, benchtarget.SeedClient)
			if err != nil || seeded != (bench.Tally{Sessions: 300, OneLive: 300}) {
				t.Errorf("Tally(%s) = %+v, %v; want 300 sessions, each with one live token", benchtarget.SeedClient, seeded, err)
			}
			if own, err := srv.Store.Tally(ctx, srv.Creds.ClientID); err != nil || own.Sessions != 0 {
				t.Errorf("Tally(bench client) = %+v, %v; want no sessions before the run", own, err)
			}
			rep, err := bench.Run(ctx, bench.Config{Scenario: "refresh", Requests: 20, Connections: 2, Sessions: 2,
				Launcher: l})
			if err != nil || !rep.OK {
				t.Errorf("refresh beside seeded sessions: %v, invariants %+v", err, rep)
			}
		})
	}
}
