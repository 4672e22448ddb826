package server

import (
	"context"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/renova-auth/renova/internal/store"
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

// keyAge reports, at each scrape, how long ago each current and next
// signing key was generated, read from the store (a handful of rows) so
// that every replica reports the rotation as the database holds it. An
// alert on the current key's age catches a rotation that stopped.
type keyAge struct {
	keys store.Keys
	now  func() time.Time
	desc *prometheus.Desc
}

func newKeyAge(keys store.Keys, now func() time.Time) *keyAge {
	return &keyAge{keys: keys, now: now, desc: prometheus.NewDesc("renova_signing_key_age_seconds",
		"Seconds since each current and next signing key was generated, by algorithm and state.",
		[]string{"alg", "state"}, nil)}
}

// Describe implements prometheus.Collector.
func (k *keyAge) Describe(ch chan<- *prometheus.Desc) { ch <- k.desc }

// Collect implements prometheus.Collector. A store that does not answer
// within a second leaves the series out of this scrape rather than
// holding the scrape.
func (k *keyAge) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	all, err := k.keys.ListKeys(ctx)
	if err != nil {
		return
	}
	for _, key := range all {
		if key.State == store.KeyCurrent || key.State == store.KeyNext {
			ch <- prometheus.MustNewConstMetric(k.desc, prometheus.GaugeValue,
				k.now().Sub(key.CreatedAt).Seconds(), key.Alg, key.State)
		}
	}
}
