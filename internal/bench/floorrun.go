package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/bench/floor"
)

// runFloor measures the floor (package floor) with the refresh scenario's
// exact shape (same sessions, workers, bounds and client) on the same
// kind of database, in this process, before renova runs, and records it
// as the phase "floor" that every other phase is divided by.
func runFloor(ctx context.Context, cfg Config, rep *Report) error {
	dbURL, cleanup, err := floorDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	fs, err := floor.Open(ctx, dbURL, cfg.DBMaxConns)
	if err != nil {
		return err
	}
	defer fs.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	// The same server settings as renova's Serve, so the HTTP layer costs the same.
	srv := &http.Server{Handler: fs.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	go srv.Serve(ln)
	defer srv.Close()
	t := &Target{URL: "http://" + ln.Addr().String(), HTTP: newHTTP(cfg.Connections),
		Creds: Creds{ClientID: "floor", ClientSecret: "floor", Users: []User{{Login: "floor", Password: "floor"}}}}
	cfg.LoginLoad = 0
	r := &run{cfg: cfg, t: t, s: standardSurface, rep: rep}
	if err := r.refresh(ctx, "floor"); err != nil {
		return err
	}
	t.HTTP.CloseIdleConnections()
	n, bad, err := fs.Anomalies(ctx)
	detail := fmt.Sprintf("%d sessions, %d without exactly one unused token", n, bad)
	if err != nil {
		detail = "query: " + err.Error()
	}
	rep.check("floor: one live token per session", err == nil && bad == 0 && n == cfg.Sessions, detail)
	return nil
}

// floorDatabase returns an empty database for the floor: a temporary
// SQLite file, or a fresh schema on the PostgreSQL server of the run.
func floorDatabase(ctx context.Context, cfg Config) (string, func(), error) {
	if strings.HasPrefix(cfg.DatabaseURL, "postgres://") || strings.HasPrefix(cfg.DatabaseURL, "postgresql://") {
		return freshSchema(ctx, cfg.DatabaseURL, "floor_")
	}
	dir, err := os.MkdirTemp(cfg.TempDir, "renova-floor-")
	if err != nil {
		return "", nil, err
	}
	return "sqlite:" + filepath.Join(dir, "floor.db"), func() { os.RemoveAll(dir) }, nil
}
