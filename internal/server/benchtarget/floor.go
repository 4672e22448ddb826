package benchtarget

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/renova-auth/renova/internal/bench"
	"github.com/renova-auth/renova/internal/bench/floor"
)

// Floor starts the floor reference (package floor) on a fresh database of
// the run's kind (a temporary SQLite file, or a new schema of
// DatabaseURL with a pool of DBMaxConns, renova's size), served on a
// loopback port with the same HTTP server settings as renova's Serve, so
// that the HTTP layer costs the same.
func (l *Launcher) Floor(ctx context.Context) (*bench.FloorServer, error) {
	var undo cleanups
	fs, err := l.floor(ctx, &undo)
	if err != nil {
		undo.run()
		return nil, err
	}
	fs.Close = undo.run
	return fs, nil
}

// floor carries out Floor's steps, registering each one's undo.
func (l *Launcher) floor(ctx context.Context, undo *cleanups) (*bench.FloorServer, error) {
	dbURL, err := l.floorDatabase(ctx, undo)
	if err != nil {
		return nil, err
	}
	fs, err := floor.Open(ctx, dbURL, l.cfg.DBMaxConns)
	if err != nil {
		return nil, err
	}
	undo.add(func() { fs.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: fs.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	go srv.Serve(ln)
	undo.add(func() { srv.Close() })
	return &bench.FloorServer{URL: "http://" + ln.Addr().String(), Store: floorTally{fs}}, nil
}

// floorDatabase returns an empty database for the floor: a temporary
// SQLite file, or a fresh schema on the PostgreSQL server of the run.
func (l *Launcher) floorDatabase(ctx context.Context, undo *cleanups) (string, error) {
	if isPostgres(l.cfg.DatabaseURL) {
		u, drop, err := freshSchema(ctx, l.cfg.DatabaseURL, "floor_")
		if err != nil {
			return "", err
		}
		undo.add(drop)
		return u, nil
	}
	dir, err := os.MkdirTemp(l.cfg.TempDir, "renova-floor-")
	if err != nil {
		return "", err
	}
	undo.add(func() { os.RemoveAll(dir) })
	return "sqlite:" + filepath.Join(dir, "floor.db"), nil
}

// floorTally counts the floor's sessions for bench: it has one client,
// no revocation, and keeps the same invariant renova does.
type floorTally struct{ s *floor.Server }

// Tally counts every session of the floor, whatever clientID is.
func (f floorTally) Tally(ctx context.Context, _ string) (bench.Tally, error) {
	n, bad, err := f.s.Anomalies(ctx)
	return bench.Tally{Sessions: n, OneLive: n - bad, Anomalies: bad}, err
}
