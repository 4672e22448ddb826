package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/server"
)

// importKeyCmd gives a client the partner API key it holds at the system
// renova replaces (docs/migration.md, HDI): read from the first line of
// --key-file ("-": standard input), never from the command line, and
// never printed.
func importKeyCmd() *cobra.Command {
	c := &cobra.Command{Use: "import-key CLIENT_ID --key-file FILE", Short: "give a client the partner API key it already holds (HDI migration); the key comes from a file",
		Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			key, err := readKeyFile(cmd)
			if err != nil {
				return err
			}
			if err := app.Svc.ImportAPIKey(cmd.Context(), auth.CLI, "", args[0], key); err != nil {
				return fmt.Errorf("client %q: %w", args[0], err)
			}
			return done(cmd, map[string]any{"api_key_imported": args[0]}, "API key of "+args[0]+" imported")
		})}
	c.Flags().String("key-file", "", `read the key from the first line of this file ("-": standard input)`)
	return c
}

// readKeyFile reads --key-file's first line.
func readKeyFile(cmd *cobra.Command) (string, error) {
	file, _ := cmd.Flags().GetString("key-file")
	switch file {
	case "":
		return "", errors.New("give the key with --key-file FILE (- for standard input)")
	case "-":
		return firstLine(cmd.InOrStdin(), "standard input")
	}
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("key file: %w", err)
	}
	defer f.Close()
	return firstLine(f, file)
}
