package server_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
)

// metricName finds the metric names a PromQL expression reads.
var metricName = regexp.MustCompile(`\b(?:renova|go|process)_[a-z0-9_]+`)

// TestDashboardMetricsExist: every metric the checked-in Grafana dashboard
// queries is exposed by a server that has served every surface, so a
// renamed metric cannot leave an empty panel behind.
func TestDashboardMetricsExist(t *testing.T) {
	raw, err := os.ReadFile("../../docs/grafana/renova.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	env := apptest.Start(t, apptest.Options{})
	everySurface(t, env, nil)
	exposed := map[string]bool{}
	for _, line := range strings.Split(string(get(t, env, "/metrics", nil).Body), "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, kind, _ := strings.Cut(name, " ")
			exposed[name] = true
			if kind == "histogram" {
				for _, s := range []string{"_bucket", "_count", "_sum"} {
					exposed[name+s] = true
				}
			}
		}
	}
	n := 0
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			for _, m := range metricName.FindAllString(tg.Expr, -1) {
				n++
				if !exposed[m] {
					t.Errorf("panel %q queries %s, which /metrics does not expose", p.Title, m)
				}
			}
		}
	}
	if n == 0 {
		t.Error("the dashboard queries no metric")
	}
}
