package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/server"
)

// userImportCmd imports users with their password hashes from an NDJSON
// file, or stdin for "-" (docs/import.md). It prints each failed line and
// a summary; with --json, every line's result as NDJSON and the summary as
// a last line {"summary": {...}}. It exits non-zero when a line failed.
func userImportCmd() *cobra.Command {
	return &cobra.Command{Use: "import FILE.ndjson", Short: "import users and their password hashes from NDJSON (- for stdin; docs/import.md)",
		Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			t, err := tenantOf(cmd, app)
			if err != nil {
				return err
			}
			in, err := openInput(cmd, args[0])
			if err != nil {
				return err
			}
			defer in.Close()
			out := cmd.OutOrStdout()
			sum, err := app.Svc.ImportUsers(cmd.Context(), t.ID, in, func(r auth.ImportResult) error { return printImported(cmd, out, r) })
			if err != nil {
				return fmt.Errorf("import stopped after line %d (%d users created): %w", sum.Lines, sum.Created, err)
			}
			if err := printImportSummary(cmd, out, sum); err != nil {
				return err
			}
			if sum.Failed > 0 {
				return fmt.Errorf("%d of %d users were not imported", sum.Failed, sum.Failed+sum.Created)
			}
			return nil
		})}
}

// openInput opens the file named, or stdin for "-".
func openInput(cmd *cobra.Command, name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(cmd.InOrStdin()), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open import file: %w", err)
	}
	return f, nil
}

// printImported prints one line's result: every result as JSON with
// --json, only failures otherwise.
func printImported(cmd *cobra.Command, out io.Writer, r auth.ImportResult) error {
	if jsonOut(cmd) {
		return json.NewEncoder(out).Encode(r)
	}
	if r.Status == auth.ImportCreated {
		return nil
	}
	login := ""
	if r.Login != "" {
		login = fmt.Sprintf(" (%s)", r.Login)
	}
	_, err := fmt.Fprintf(out, "line %d%s: %s: %s\n", r.Line, login, r.Code, r.Message)
	return err
}

// printImportSummary prints the counts, and the formats of the users
// created, by name.
func printImportSummary(cmd *cobra.Command, out io.Writer, sum auth.ImportSummary) error {
	if jsonOut(cmd) {
		return json.NewEncoder(out).Encode(map[string]auth.ImportSummary{"summary": sum})
	}
	var formats []string
	for _, f := range slices.Sorted(maps.Keys(sum.Formats)) {
		formats = append(formats, fmt.Sprintf("%s %d", f, sum.Formats[f]))
	}
	fmt.Fprintf(out, "%d users imported, %d lines failed, %d lines read", sum.Created, sum.Failed, sum.Lines)
	if len(formats) > 0 {
		fmt.Fprintf(out, "; password hashes: %s", strings.Join(formats, ", "))
	}
	fmt.Fprintln(out)
	if sum.ImportedHashCost != "" {
		fmt.Fprintf(out, "so that a failed login costs the same for these users as for anyone, serve with --imported-hash-cost %s (docs/import.md)\n", sum.ImportedHashCost)
	}
	if sum.Stopped != "" {
		fmt.Fprintf(out, "stopped at %d users (%s): split the file\n", auth.MaxImportUsers, sum.Stopped)
	}
	return nil
}
