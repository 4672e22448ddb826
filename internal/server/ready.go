package server

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/renova-auth/renova/internal/httpx"
	"github.com/renova-auth/renova/internal/store"
)

// probeEvery bounds how often /readyz writes to the database: a probe per
// second whatever the number of load balancers and kubelets asking, and a
// full disk freed again is seen within a second.
const probeEvery = time.Second

// writeProbe caches the result of the last store.ProbeWrite.
type writeProbe struct {
	mu  sync.Mutex
	at  time.Time // when err was found; zero before the first probe
	err error
}

// check returns the last probe's result when it is younger than
// probeEvery, and probes again otherwise. Concurrent callers wait for the
// one probe in flight. A probe cut short by the caller's own context is not
// cached: it says nothing about the disk.
func (p *writeProbe) check(ctx context.Context, st store.Store) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.at.IsZero() && time.Since(p.at) < probeEvery {
		return p.err
	}
	err := st.ProbeWrite(ctx)
	if ctx.Err() == nil {
		p.at, p.err = time.Now(), err
	}
	return err
}

// ready answers 200 only while the database answers a read and commits a
// write, each within a second, a bound below common probe timeouts, so a
// probe sees a 503 rather than giving up on a hung request. The read runs
// on every call; the write at most once per probeEvery. A full or
// read-only disk thus takes the replica out of rotation while reads still
// work, and puts it back by itself once writes commit again.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	reason := ""
	if err := a.Store.Ping(ctx); err != nil {
		a.Logger.Warn("not ready", "err", err)
		reason = "database"
	} else if err := a.probe.check(ctx, a.Store); err != nil {
		a.Logger.Warn("not ready: database writes fail", "err", err)
		reason = "database_writes"
	}
	if reason != "" {
		w.Header().Set("Retry-After", "1")
		httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason})
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
