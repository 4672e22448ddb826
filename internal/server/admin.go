package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/renova-auth/renova/internal/admin"
)

// adminSurface is the admin API (/admin/v1) as a mounted surface, for the
// main listener when --admin-addr is not set.
func (a *App) adminSurface() named {
	return named{name: "admin", surface: admin.New(a.Svc, a.Logger), kind: "admin"}
}

// AdminHandler is the admin API alone, with its OpenAPI document, behind
// the main listener's edge (edgeOf): what --admin-addr serves.
func (a *App) AdminHandler() (http.Handler, error) {
	mux := http.NewServeMux()
	surfaces := []named{a.adminSurface()}
	docs, err := a.openAPISurface(surfaces) // /openapi/admin.json beside the API
	if err != nil {
		return nil, err
	}
	routes, err := collect(append(surfaces, docs))
	if err != nil {
		return nil, err
	}
	for _, rt := range routes {
		mux.Handle(rt.pattern, rt.h)
	}
	mux.Handle("/", notFound)
	return a.edgeOf(mux)
}

// startAdmin binds --admin-addr, when set, and serves the admin API there
// until ctx ends. It binds before returning, so a busy or invalid address
// fails the start instead of leaving the service without its admin API.
func (a *App) startAdmin(ctx context.Context) error {
	if a.Cfg.AdminAddr == "" {
		return nil
	}
	h, err := a.AdminHandler()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Cfg.AdminAddr)
	if err != nil {
		return fmt.Errorf("admin-addr: %w", err)
	}
	go a.serveAdmin(ctx, ln, h)
	return nil
}

// serveAdmin serves the admin API on ln until ctx ends.
func (a *App) serveAdmin(ctx context.Context, ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	go func() { <-ctx.Done(); srv.Close() }()
	a.Logger.Info("admin API listening", "addr", ln.Addr().String())
	var err error
	if a.Cfg.TLSCert != "" {
		err = srv.ServeTLS(ln, a.Cfg.TLSCert, a.Cfg.TLSKey)
	} else {
		err = srv.Serve(ln)
	}
	if !errors.Is(err, http.ErrServerClosed) {
		a.Logger.Warn("admin server", "err", err)
	}
}
