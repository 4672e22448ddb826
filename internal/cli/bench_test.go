package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestBenchCommand runs `renova bench` for a few requests in embedded mode
// and reads its --json report: the flags reach the run and the verdict is
// the exit code.
func TestBenchCommand(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string // phase name
	}{
		{"refresh", []string{"--requests", "20", "--connections", "2"}, "renova"},
		{"contention", []string{"--scenario", "contention", "--contenders", "3", "--trials", "2"}, "renova 3×2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			t.Setenv("TMPDIR", t.TempDir())
			code := Execute(context.Background(), append([]string{"bench", "--json", "--log-level", "error"}, tc.args...), &out, &errb)
			var rep struct {
				OK     bool `json:"ok"`
				Phases []struct {
					Name     string `json:"name"`
					Requests int64  `json:"requests"`
				} `json:"phases"`
			}
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil || code != 0 || !rep.OK {
				t.Fatalf("bench %v = %d, report %s (%v), stderr %s", tc.args, code, out.String(), err, errb.String())
			}
			if len(rep.Phases) != 1 || rep.Phases[0].Name != tc.want || rep.Phases[0].Requests == 0 {
				t.Errorf("bench %v phases = %+v, want one phase %q with requests", tc.args, rep.Phases, tc.want)
			}
		})
	}
	var out, errb bytes.Buffer
	if code := Execute(context.Background(), []string{"bench", "--surface", "nope"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), `unknown surface "nope"`) {
		t.Errorf("bench --surface nope = %d, stderr %q", code, errb.String())
	}
}
