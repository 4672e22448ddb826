package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/renova-auth/renova/internal/dialect/standard"
	"github.com/renova-auth/renova/internal/httpx"
)

// surface is one mounted set of routes (the standard OAuth endpoints or a
// vendor dialect under its prefix), by ServeMux pattern.
type surface interface {
	Routes() map[string]http.Handler
}

// Handler builds the HTTP handler: every surface, health, readiness and
// metrics (unless --metrics-addr serves them apart), behind trace ids,
// client address resolution (--trusted-proxies), request metrics and the
// access log, and panic recovery. The routes browsers call
// (the standard ones scripts fetch, and every mount with an origins
// option) are wrapped in CORS here, so the surfaces know nothing of it.
// Two surfaces claiming the same route fail the start (collect). Paths no
// surface claims get a JSON 404, the shape every
// surface's clients already parse, not net/http's text/plain one.
func (a *App) Handler(ctx context.Context) (http.Handler, error) {
	mux := http.NewServeMux()
	surfaces, err := a.surfaces(ctx)
	if err != nil {
		return nil, err
	}
	routes, err := collect(surfaces)
	if err != nil {
		return nil, err
	}
	cors := newCORSTable(routes)
	for _, rt := range routes {
		mux.Handle(rt.pattern, cors.wrap(rt))
	}
	cors.register(mux, notFound)
	for pattern, h := range a.serverRoutes() {
		mux.Handle(pattern, h)
	}
	mux.Handle("/", notFound)
	return a.edgeOf(mux)
}

// edgeOf puts what every listener's requests pass through around mux:
// trace ids, client address resolution (--trusted-proxies), request
// metrics, the access log and panic recovery.
func (a *App) edgeOf(mux http.Handler) (http.Handler, error) {
	trusted, err := a.Cfg.Proxies()
	if err != nil {
		return nil, err
	}
	var access *slog.Logger
	if a.Cfg.AccessLog {
		access = a.Logger
	}
	return httpx.WithTrace(httpx.WithClientIP(trusted, observe(a.edge, access, recoverer(a.Logger, mux)))), nil
}

// surfaces builds every surface Handler mounts: the standard one, each
// dialect mount, and the OpenAPI documents of those (openapi.go).
func (a *App) surfaces(ctx context.Context) ([]named, error) {
	mounted, err := a.mountDialects(ctx)
	if err != nil {
		return nil, err
	}
	std := standard.New(a.Svc, a.Ring, a.Logger, a.formKey)
	surfaces := append([]named{{name: "standard", surface: std, cors: a.standardCORS(), kind: "standard"}}, mounted...)
	if a.Cfg.AdminAddr == "" {
		surfaces = append(surfaces, a.adminSurface()) // admin.go
	}
	docs, err := a.openAPISurface(surfaces)
	if err != nil {
		return nil, err
	}
	return append(surfaces, docs), nil
}

// serverRoutes are the server's own routes, outside every surface's CORS
// and labels: health, readiness and (unless --metrics-addr serves them
// apart) metrics. Liveness never touches the database: an orchestrator
// that restarts processes on a failed liveness probe must not restart
// them all because the database is away. That is what /readyz is for.
func (a *App) serverRoutes() map[string]http.Handler {
	routes := map[string]http.Handler{
		"GET /healthz": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		}),
		"GET /readyz": http.HandlerFunc(a.ready),
	}
	if a.Cfg.MetricsAddr == "" {
		routes["GET /metrics"] = a.metricsHandler()
	}
	return routes
}

// metricsHandler serves the App's registry in the Prometheus text format.
func (a *App) metricsHandler() http.Handler {
	return promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{})
}

// notFound answers paths no surface claims.
var notFound = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "not_found", "error_description": "no such endpoint"})
})

// collect lists the routes of every surface with its CORS rule. Two
// surfaces claiming the same route are refused here, at start, with both
// mounts named (PRODUCT.md §3), where ServeMux itself would panic on the
// second registration.
func collect(surfaces []named) ([]route, error) {
	owner := map[string]string{}
	var out []route
	for _, s := range surfaces {
		for p, h := range s.Routes() {
			if prev, dup := owner[p]; dup {
				return nil, fmt.Errorf("mounts %s and %s both claim the route %q; give one of them another prefix", prev, s.name, p)
			}
			owner[p] = s.name
			out = append(out, newRoute(p, tagRoute(s.kind, s.client, h), s.cors))
		}
	}
	return out, nil
}

// recoverer turns a panic into a logged 500 without a stack trace on the
// wire. http.ErrAbortHandler is re-raised: it asks net/http to cut the
// connection, which is the only honest end for a half-written answer.
func recoverer(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == http.ErrAbortHandler {
				panic(v)
			}
			if v != nil {
				httpx.Internal(logger, r, fmt.Errorf("panic: %v", v))
				httpx.WriteJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Serve listens on the configured address until ctx ends, then stops
// accepting, finishes in-flight requests (up to 15 s, inside the 30 s an
// orchestrator usually allows between SIGTERM and SIGKILL) and returns.
// If ready is not nil it receives the bound address once listening, which
// is how callers of 127.0.0.1:0 learn the port. The read timeouts bound
// slow clients holding connections open; the write timeout leaves room
// for a store call that waits the whole store timeout.
func (a *App) Serve(ctx context.Context, ready chan<- net.Addr) error {
	ln, err := a.Listen()
	if err != nil {
		return err
	}
	return a.ServeOn(ctx, ln, ready)
}

// Listen binds the configured address. `renova serve` binds before the
// first-start bootstrap, so the credentials are printed only once the port
// is known to be free: a start that fails on a busy port creates and
// prints nothing, and the next start still prints them.
func (a *App) Listen() (net.Listener, error) {
	return net.Listen("tcp", a.Cfg.HTTPAddr)
}

// ServeOn is Serve on a listener already bound by Listen; it closes ln.
func (a *App) ServeOn(ctx context.Context, ln net.Listener, ready chan<- net.Addr) error {
	h, err := a.Handler(ctx)
	if err != nil {
		ln.Close()
		return err
	}
	if err := a.startAdmin(ctx); err != nil { // admin.go
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn)}
	// The background jobs end with ServeOn, before the caller closes the
	// App: a retention run or key reload still going would otherwise write
	// to a closed audit log and store.
	var jobs sync.WaitGroup
	defer jobs.Wait()
	jctx, stop := context.WithCancel(ctx)
	defer stop()
	jobs.Go(func() { a.reloadKeys(jctx) })
	jobs.Go(func() { a.rotateKeys(jctx) }) // rotation.go
	jobs.Go(func() { a.retain(jctx) })     // retention.go
	if a.Cfg.DebugAddr != "" {
		jobs.Go(func() { a.serveDebug(jctx) })
	}
	if a.Cfg.MetricsAddr != "" {
		jobs.Go(func() { a.serveMetrics(jctx) })
	}
	errc := make(chan error, 1) // buffered: the serving goroutine never blocks if Serve has returned
	go func() {
		if a.Cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, a.Cfg.TLSCert, a.Cfg.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	a.Logger.Info("renova listening", "addr", ln.Addr().String(), "issuer", a.Cfg.Issuer)
	if ready != nil {
		ready <- ln.Addr()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Logger.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// reloadKeys re-reads the signing keys periodically so that every replica
// follows `renova keys rotate`. A failed reload keeps the keys already
// loaded: a database blip must not stop a replica from signing.
func (a *App) reloadKeys(ctx context.Context) {
	if a.Cfg.KeyReload <= 0 {
		return
	}
	t := time.NewTicker(a.Cfg.KeyReload)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.Ring.Load(ctx); err != nil {
				a.Logger.Warn("reload signing keys", "err", err)
			}
		}
	}
}

// serveDebug exposes pprof on its own address, off by default, so that
// profiles, which cost CPU and reveal the command line and code paths, are
// never served on the public listener.
func (a *App) serveDebug(ctx context.Context) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: a.Cfg.DebugAddr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); srv.Close() }()
	a.Logger.Info("pprof listening", "addr", a.Cfg.DebugAddr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		a.Logger.Warn("debug server", "err", err)
	}
}

// serveMetrics serves /metrics alone on --metrics-addr, so that the main
// listener, which faces clients, does not publish them: the series name
// every route, client outcome and the exact build. That address must not
// face the internet either; bind it to a private interface.
func (a *App) serveMetrics(ctx context.Context) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.metricsHandler())
	ln, err := net.Listen("tcp", a.Cfg.MetricsAddr)
	if err != nil {
		a.Logger.Error("metrics server", "err", err)
		return
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); srv.Close() }()
	a.Logger.Info("metrics listening", "addr", ln.Addr().String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		a.Logger.Warn("metrics server", "err", err)
	}
}
