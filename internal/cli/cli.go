// Package cli is renova's command line (cobra). Commands parse flags, call
// the server or core, and print; they hold no business logic.
//
// Results go to stdout: a table, or JSON with --json for scripts. Logs and
// errors go to stderr, so `renova ... --json | jq` sees only results. A command that touches the database builds the same
// server.App as `renova serve` does, so it migrates, finds or makes the
// signing keys and checks RENOVA_SECRET exactly as a server would, on
// SQLite and PostgreSQL alike.
package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/server"
)

// Version, when set at build time with -ldflags "-X .../cli.Version=...",
// overrides the module version from the build info (version.go).
var Version = "dev"

// Execute runs the command line and returns the process exit code: 0, or 1
// with one "renova: ..." line on stderr. Cobra's own error and usage output
// is silenced, so a mistake never dumps the usage into a script's output.
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "renova:", err)
		return 1
	}
	return 0
}

// newRoot builds the command tree. The settings are persistent flags of the
// root, so every subcommand accepts --database-url and the others, and
// config.Load sees them through the subcommand's own flag set.
func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "renova",
		Short:         "renova issues and safely rotates OAuth 2.0 tokens for many tenants",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	config.Flags(root.PersistentFlags())
	root.PersistentFlags().Bool("json", false, "print machine-readable JSON")
	root.AddCommand(serveCmd(), migrateCmd(), tenantCmd(), userCmd(), clientCmd(), keysCmd(), sessionsCmd(), auditCmd(), benchCmd(), versionCmd(), configCmd(), healthcheckCmd(), migrationCmd(), statusCmd())
	return root
}

// newLogger builds the slog logger the config asks for, on w (stderr), so
// stdout carries only results. config.Load has already refused a level
// slog cannot parse.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// open loads the config (flags, environment, file) and builds the app
// with the production password parameters, so a user created here gets a
// hash as strong as one a server makes.
func open(cmd *cobra.Command) (*server.App, error) {
	cfg, err := config.Load(cmd.Flags())
	if err != nil {
		return nil, err
	}
	return server.Build(cmd.Context(), cfg, newLogger(cfg, cmd.ErrOrStderr()), server.Options{})
}

// withApp runs fn with a built app and closes it afterwards. Closing
// flushes the audit log, so the events a command records (a disabled
// user, sessions logged out everywhere) are stored before the process
// exits.
func withApp(fn func(cmd *cobra.Command, app *server.App, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		app, err := open(cmd)
		if err != nil {
			return err
		}
		defer app.Close()
		return fn(cmd, app, args)
	}
}

// jsonOut reports whether --json was given.
func jsonOut(cmd *cobra.Command) bool {
	v, _ := cmd.Flags().GetBool("json")
	return v
}

// print writes v as JSON with --json, or as a table of rows otherwise. v
// and rows hold the same records: v in the stable shape scripts parse,
// rows in the columns a person scans. An empty list prints as [], never
// null, so scripts can iterate over it.
func print(cmd *cobra.Command, v any, header []string, rows [][]string) error {
	if jsonOut(cmd) {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
			v = []struct{}{}
		}
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	// Columns are padded, never truncated, so an id can be copied whole.
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// serveCmd runs the service. It binds the listener, then, on an empty
// database, creates the demo records and prints their credentials once
// (PRODUCT.md §5); it then
// serves until the context ends (SIGINT or SIGTERM in cmd/renova) and
// finishes the requests in flight.
func serveCmd() *cobra.Command {
	return &cobra.Command{Use: "serve", Short: "run the token service", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			// Bind first: the credentials are printed once, so they must
			// never be created by a start that then fails on a busy port.
			ln, err := app.Listen()
			if err != nil {
				return err
			}
			cr, err := app.Bootstrap(cmd.Context())
			if err != nil {
				ln.Close()
				return err
			}
			if cr != nil {
				if err := app.PrintCredentials(cmd.OutOrStdout(), cr); err != nil {
					ln.Close()
					return err
				}
			}
			return app.ServeOn(cmd.Context(), ln, nil)
		})}
}

// migrateCmd applies the embedded migrations and exits. It opens only the
// store, needing neither RENOVA_SECRET nor the signing keys, so a deploy
// can migrate before any replica starts.
func migrateCmd() *cobra.Command {
	return &cobra.Command{Use: "migrate", Short: "apply database migrations and exit", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(cmd.Flags())
			if err != nil {
				return err
			}
			st, err := server.OpenStore(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer st.Close()
			fmt.Fprintln(cmd.OutOrStdout(), "migrations applied")
			return nil
		}}
}
