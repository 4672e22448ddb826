package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people: a header, the table of phases,
// the errors by status and reason, the ratios, the invariants and memory.
func WriteText(w io.Writer, r *Report) error {
	m := r.Machine
	fmt.Fprintf(w, "renova bench: scenario %s, surface %s, backend %s, %d connections, %s per phase\n",
		r.Scenario, r.Surface, r.Backend, r.Connections, r.Duration)
	fmt.Fprintf(w, "machine: %d × %s, %s, load %s\n\n", m.CPUs, m.CPUModel, m.GoVersion, m.LoadAvg)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	width := 5
	for _, p := range r.Phases {
		width = max(width, len(p.Name))
	}
	fmt.Fprintf(tw, "%-*s\trequests\treq/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\terrors\tof floor\t\n", width, "phase")
	for _, p := range r.Phases {
		of := ""
		if p.OfFloor > 0 {
			of = fmt.Sprintf("%.0f %%", 100*p.OfFloor)
		}
		fmt.Fprintf(tw, "%-*s\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%s\t\n",
			width, p.Name, p.Requests, p.RPS, p.P50, p.P95, p.P99, p.Max, errorsOf(p), of)
	}
	tw.Flush()
	writeErrors(w, r)
	if len(r.Ratios) > 0 {
		fmt.Fprintln(w, "\nratios (req/s):")
		for _, x := range r.Ratios {
			fmt.Fprintf(w, "  %-40s %5.1f %%\n", x.Name, 100*x.Value)
		}
	}
	fmt.Fprintln(w, "\ninvariants:")
	for _, c := range r.Invariants {
		mark := "ok  "
		switch {
		case c.Skipped:
			mark = "skip"
		case !c.OK:
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s  %s: %s\n", mark, c.Name, c.Detail)
	}
	if r.Memory != nil {
		fmt.Fprintf(w, "\nmemory (bench and server, one process): peak RSS %.1f MiB, RSS at end %.1f MiB\n", r.Memory.PeakMiB, r.Memory.NowMiB)
	}
	return nil
}

// writeErrors lists failures by phase, status and reason.
func writeErrors(w io.Writer, r *Report) {
	var lines []string
	for _, p := range r.Phases {
		for _, e := range p.Errors {
			status := fmt.Sprint(e.Status)
			if e.Status == 0 {
				status = "---"
			}
			lines = append(lines, fmt.Sprintf("  %-22s %s %-28s %d", p.Name, status, e.Reason, e.Count))
		}
	}
	if len(lines) == 0 {
		fmt.Fprintln(w, "\nerrors: none")
		return
	}
	fmt.Fprintln(w, "\nerrors (phase, HTTP status, reason, count):")
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}
