package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/server"
)

// statusCmd prints the database's sizes, row counts and the last
// retention run (issue 14): what an operator checks before the disk
// fills up. --json prints server.Status.
func statusCmd() *cobra.Command {
	return &cobra.Command{Use: "status", Short: "print database size, row counts and the last retention run", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			s, err := app.Status(cmd.Context())
			if err != nil {
				return err
			}
			return print(cmd, s, []string{"WHAT", "VALUE"}, statusRows(s))
		})}
}

// statusRows lays the status out one fact per row.
func statusRows(s server.Status) [][]string {
	count := func(n int64) string {
		if s.Estimated {
			return fmt.Sprintf("~%d (estimate)", n)
		}
		return fmt.Sprint(n)
	}
	rows := [][]string{{"backend", s.Backend}, {"database size", mib(s.DatabaseBytes)}}
	if s.Backend == "sqlite" {
		rows = append(rows, []string{"wal size", mib(s.WALBytes)})
	}
	rows = append(rows, []string{"sessions", count(s.Sessions)}, []string{"refresh tokens", count(s.Tokens)},
		[]string{"audit events", count(s.AuditEvents)})
	last := "never"
	if s.RetentionLastRun != nil {
		last = s.RetentionLastRun.UTC().Format(time.RFC3339) + " (" + s.RetentionLastResult + ")"
	}
	return append(rows, []string{"last retention run", last})
}

// mib prints a byte count in MiB with two decimals, and the bytes.
func mib(n int64) string {
	return fmt.Sprintf("%.2f MiB (%d bytes)", float64(n)/(1<<20), n)
}
