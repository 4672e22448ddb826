package cli

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/bench"
	"github.com/renova-auth/renova/internal/server/benchtarget"
)

// benchCmd is `renova bench`, the load generator (issue 8, BENCHMARKS.md).
// Without --url it starts renova in process on a temporary SQLite file, or
// on a fresh schema of --database-url when that is a postgres:// URL
// (benchtarget, the composition root of the embedded mode), and drives it
// over loopback HTTP; with --url it drives a running renova.
func benchCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "bench", Short: "measure renova under load (req/s, latency percentiles, invariants)", Args: cobra.NoArgs,
		Long: `bench drives renova over HTTP through one scenario and prints req/s, p50/p95/p99/max
latency and errors by status and reason, then checks the rotation invariants: one live
refresh token per session, zero 5xx, zero false reuse detections and, for contention,
exactly one successor per trial. It exits 1 when an invariant fails.

Scenarios: refresh (default), contention, login, client-credentials, introspect, jwks,
authcode (browser sign-in: authorize, hosted login page, code exchange with PKCE; one
new cookie jar per flow).
Without --url, renova runs in this process on a temporary SQLite file, or on a fresh
schema (dropped afterwards) of --database-url postgres://...; --floor measures the
least a refresh can do on the same database first and prints every figure beside it.`,
		RunE: runBench}
	f := cmd.Flags()
	f.String("url", "", "drive a running renova at this base URL instead of starting one")
	f.String("scenario", "refresh", "refresh, contention, login, client-credentials, introspect, jwks or authcode")
	f.String("surface", "standard", "the refresh call of this surface: standard, icredit, consinco, formulacerta or hdi")
	f.Duration("duration", 0, "bound on each measured phase (default 10s)")
	f.Int64("requests", 0, "bound on the requests of each phase (0: none)")
	f.Int("connections", 64, "concurrent workers, each with its own keep-alive connection")
	f.Int("sessions", 0, "refresh/introspect: sessions logged in first (default --connections)")
	f.Int("seed-sessions", 0, "embedded mode: bulk-insert this many extra live sessions (each with a used and a live token, of another client) before the run, to measure refresh at scale (at most 10,000,000)")
	f.Int("contenders", 20, "contention: concurrent presentations of one refresh token")
	f.Int("trials", 100, "contention: number of tokens presented concurrently")
	f.Int("login-load", 0, "refresh: run a second phase with this many logins in flight beside the refresh workers")
	f.Int("browser-load", 0, "refresh: run a phase with this many browser sign-ins (authcode flows) in flight beside the refresh workers")
	f.Bool("floor", false, "refresh: measure the floor reference first and report ratios to it")
	f.String("client-id", "", "--url: client id (authcode: a public client with the authorization_code grant and a loopback redirect URI, e.g. demo-spa)")
	f.String("client-secret", "", "--url: client secret (omit for a public client)")
	f.String("username", "", "--url: user to log in")
	f.String("password-file", "", `--url: that user's password, from the first line of this file ("-": standard input; never on the command line)`)
	f.String("tenant", "", "--url: tenant slug (dialects that name the company)")
	f.String("api-key", "", "--url: partner API key (--surface hdi)")
	f.String("app-code", "", "--url: application code (--surface hdi)")
	f.String("prefix", "", "--url: the surface's mount prefix (default /<surface>)")
	f.String("browser-client-id", "", "--url: the public browser client of the browser flows (default --client-id for authcode)")
	f.String("redirect-uri", "", "--url: the browser client's registered redirect URI; nothing needs to listen there (default "+bench.DefaultRedirectURI+", demo-spa's)")
	return cmd
}

func runBench(cmd *cobra.Command, _ []string) error {
	cfg, err := benchConfig(cmd)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if jsonOut(cmd) {
		err = bench.WriteJSON(cmd.OutOrStdout(), rep)
	} else {
		err = bench.WriteText(cmd.OutOrStdout(), rep)
	}
	if err != nil {
		return err
	}
	if !rep.OK {
		return errors.New("bench: an invariant failed (see above)")
	}
	return nil
}

// benchConfig reads the flags. The embedded servers (renova, the floor)
// take --database-url, --db-max-conns, --login-slots, --store-timeout and
// --debug-addr from the root flags when they are given, and RENOVA_SECRET
// from the environment; they never use RENOVA_DATABASE_URL, so that a
// bench cannot load a production database by accident.
func benchConfig(cmd *cobra.Command) (bench.Config, error) {
	f := cmd.Flags()
	var c bench.Config
	c.URL, _ = f.GetString("url")
	c.Scenario, _ = f.GetString("scenario")
	c.Surface, _ = f.GetString("surface")
	c.Duration, _ = f.GetDuration("duration")
	c.Requests, _ = f.GetInt64("requests")
	c.Connections, _ = f.GetInt("connections")
	c.Sessions, _ = f.GetInt("sessions")
	c.Contenders, _ = f.GetInt("contenders")
	c.Trials, _ = f.GetInt("trials")
	c.LoginLoad, _ = f.GetInt("login-load")
	c.BrowserLoad, _ = f.GetInt("browser-load")
	c.Floor, _ = f.GetBool("floor")
	c.ClientID, _ = f.GetString("client-id")
	c.ClientSecret, _ = f.GetString("client-secret")
	c.Tenant, _ = f.GetString("tenant")
	c.APIKey, _ = f.GetString("api-key")
	c.AppCode, _ = f.GetString("app-code")
	c.Prefix, _ = f.GetString("prefix")
	c.BrowserClientID, _ = f.GetString("browser-client-id")
	c.RedirectURI, _ = f.GetString("redirect-uri")
	if u, _ := f.GetString("username"); u != "" {
		p, err := readPassword(cmd, false)
		if err != nil {
			return c, err
		}
		c.Users = []bench.User{{Login: u, Password: p}}
	}
	t := benchtarget.Config{Secret: os.Getenv("RENOVA_SECRET")}
	t.SeedSessions, _ = f.GetInt("seed-sessions")
	if err := rootSettings(cmd, &t); err != nil {
		return c, err
	}
	c.Launcher = benchtarget.New(t)
	if isTerminal(os.Stderr) && !jsonOut(cmd) {
		c.Progress = cmd.ErrOrStderr()
	}
	return c, nil
}

// rootSettings copies the root flags that were given onto c.
func rootSettings(cmd *cobra.Command, c *benchtarget.Config) error {
	f := cmd.Flags()
	get := func(name string) (string, bool) {
		v, _ := f.GetString(name)
		return v, f.Changed(name)
	}
	if v, ok := get("database-url"); ok {
		c.DatabaseURL = v
	}
	if v, ok := get("debug-addr"); ok {
		c.DebugAddr = v
	}
	var errs []error
	if v, ok := get("store-timeout"); ok {
		d, err := time.ParseDuration(v)
		c.StoreTimeout, errs = d, append(errs, err)
	}
	if v, ok := get("db-max-conns"); ok {
		_, err := fmt.Sscan(v, &c.DBMaxConns)
		errs = append(errs, err)
	}
	if v, ok := get("login-slots"); ok {
		_, err := fmt.Sscan(v, &c.LoginSlots)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// isTerminal reports whether f is a character device (a terminal), so
// the progress line never lands in a file or a pipe.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
