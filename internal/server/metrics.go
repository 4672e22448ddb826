package server

import (
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// httpMetrics are the collectors of the HTTP edge: one latency histogram
// for every surface, labelled by the route's ServeMux pattern (a closed
// set, so the label cannot explode with paths clients make up) and by
// status class.
type httpMetrics struct {
	duration *prometheus.HistogramVec
}

// newHTTPMetrics makes the edge collectors and the build info gauge and
// registers them with reg.
func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "renova_http_request_duration_seconds",
		Help: "Time to answer an HTTP request, by surface, route pattern and status class.",
		// From a cached refresh (~1 ms) to a login queued behind the
		// password slots or a store call at its timeout (seconds).
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"surface", "route", "status_class"})}
	reg.MustRegister(m.duration, buildInfo())
	return m
}

// buildInfo is a gauge fixed at 1 whose labels tell which build runs: the
// module version and the VCS revision Go stamps into the binary.
func buildInfo() prometheus.Collector {
	version, revision, modified := "unknown", "unknown", "false"
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "renova_build_info",
		Help: "Always 1; the labels name the running build.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "modified": modified,
			"goversion": runtime.Version()}})
	g.Set(1)
	return g
}

// statusClass is "2xx", "4xx", ... for a status code.
func statusClass(code int) string {
	return string(rune('0'+code/100)) + "xx"
}
