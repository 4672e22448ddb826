package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/renova-auth/renova/internal/httpx"
)

// reqInfo is what the route serving a request knows and the edge does
// not: which surface answered and, when known, which client called. The
// edge puts an empty one in the context; tagRoute fills it.
type reqInfo struct {
	surface, client string
}

type reqInfoKey struct{}

// tagRoute wraps a surface's handler so the access log and the metrics
// name the surface and client. A dialect mount serves one client; on the
// standard endpoints the client is the HTTP Basic user name when there is
// one (client ids are not secret; bodies are never read here).
func tagRoute(surfaceName, client string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
			info.surface, info.client = surfaceName, client
			if id, _, ok := r.BasicAuth(); ok && client == "" {
				info.client = id
			}
		}
		h.ServeHTTP(w, r)
	})
}

// observe times every request and, once answered, records it in the
// latency histogram and (when logger is not nil) in one access log line:
// trace id, surface, route pattern, status, duration, client id, bytes
// and client address. Never the path's query string, a header or a body:
// those may hold tokens, secrets and passwords. Requests no surface
// serves (health, metrics, unknown paths) count under surface "server".
func observe(m *httpMetrics, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{surface: "server"}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info))
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r) // the mux sets r.Pattern on this very request
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		d := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "none"
		}
		m.duration.WithLabelValues(info.surface, route, statusClass(rec.status)).Observe(d.Seconds())
		if logger == nil {
			return
		}
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("trace_id", httpx.TraceID(r.Context())), slog.String("surface", info.surface),
			slog.String("route", route), slog.Int("status", rec.status), slog.Duration("duration", d),
			slog.String("client_id", info.client), slog.Int64("bytes", rec.bytes),
			slog.String("ip", httpx.ClientIP(r.Context())))
	})
}

// recorder notes the status and the body bytes written through it.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 && code >= 200 { // 1xx are interim answers
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer
// (flushes, deadlines) through the recorder.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
