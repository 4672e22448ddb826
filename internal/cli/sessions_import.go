package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/server"
)

// sessionsImportCmd adopts exported legacy sessions offline
// (docs/migration.md), through the core's ImportSessions, which the admin
// API calls too: the whole file is checked first, so a malformed line
// imports nothing and is named by its number, never its token.
func sessionsImportCmd() *cobra.Command {
	return &cobra.Command{Use: "import FILE.ndjson", Short: "adopt exported legacy sessions offline (one JSON object a line; - for stdin)", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			in, err := openInput(cmd, args[0])
			if err != nil {
				return err
			}
			defer in.Close()
			res, err := app.Svc.ImportSessions(cmd.Context(), auth.CLI, "", in)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if jsonOut(cmd) {
				return print(cmd, res, nil, nil)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %d session(s); skipped %d expired, %d already known\n", res.Imported, res.Expired, res.Duplicates)
			return nil
		})}
}
