package cli

import (
	"io"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/bench"
	"github.com/renova-auth/renova/internal/server/benchtarget"
)

// benchFlags parses args as `renova bench` would and returns the command.
func benchFlags(t *testing.T, args ...string) *cobra.Command {
	t.Helper()
	cmd, _, err := newRoot(io.Discard, io.Discard).Find([]string{"bench"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestRootSettings: the embedded servers take the root flags that were
// given, RENOVA_SECRET, and never RENOVA_DATABASE_URL (a bench must not
// load a production database by accident).
func TestRootSettings(t *testing.T) {
	t.Setenv("RENOVA_DATABASE_URL", "postgres://prod.invalid/renova")
	var c benchtarget.Config
	if err := rootSettings(benchFlags(t), &c); err != nil || c != (benchtarget.Config{}) {
		t.Errorf("rootSettings(no flags) = %+v, %v; want nothing set", c, err)
	}
	cmd := benchFlags(t, "--database-url", "postgres://127.0.0.1/bench", "--db-max-conns", "4", "--login-slots", "1",
		"--store-timeout", "2s", "--debug-addr", "127.0.0.1:6060")
	want := benchtarget.Config{DatabaseURL: "postgres://127.0.0.1/bench", DBMaxConns: 4, LoginSlots: 1,
		StoreTimeout: 2 * time.Second, DebugAddr: "127.0.0.1:6060"}
	c = benchtarget.Config{}
	if err := rootSettings(cmd, &c); err != nil || c != want {
		t.Errorf("rootSettings(flags) = %+v, %v; want %+v", c, err, want)
	}
	for _, bad := range [][]string{{"--store-timeout", "soon"}, {"--db-max-conns", "many"}, {"--login-slots", "x"}} {
		if err := rootSettings(benchFlags(t, bad...), &benchtarget.Config{}); err == nil {
			t.Errorf("rootSettings(%v) = nil, want an error", bad)
		}
	}
}

// TestBenchConfig: the bench flags reach the load generator's Config, a
// Launcher is always there (for the floor even with --url), and no
// progress line is drawn when stderr is not a terminal.
func TestBenchConfig(t *testing.T) {
	cmd := benchFlags(t, "--url", "http://127.0.0.1:8080", "--scenario", "contention", "--surface", "hdi",
		"--duration", "3s", "--requests", "9", "--connections", "5", "--sessions", "6", "--contenders", "7", "--trials", "8",
		"--login-load", "2", "--floor", "--client-id", "cid", "--client-secret", "cs", "--username", "ana", "--password-file", pwFile(t, "pw"),
		"--tenant", "demo", "--api-key", "k", "--app-code", "app", "--prefix", "/p")
	c, err := benchConfig(cmd)
	if err != nil {
		t.Fatal(err)
	}
	got := c
	got.Launcher, got.Progress = nil, nil
	want := bench.Config{URL: "http://127.0.0.1:8080", Scenario: "contention", Surface: "hdi", Duration: 3 * time.Second,
		Requests: 9, Connections: 5, Sessions: 6, Contenders: 7, Trials: 8, LoginLoad: 2, Floor: true, ClientID: "cid",
		ClientSecret: "cs", Users: []bench.User{{Login: "ana", Password: "pw"}}, Tenant: "demo", APIKey: "k", AppCode: "app", Prefix: "/p"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("benchConfig = %+v, want %+v", got, want)
	}
	if c.Launcher == nil {
		t.Errorf("benchConfig gave no Launcher: --floor could not start")
	}
	if !isTerminal(os.Stderr) && c.Progress != nil {
		t.Errorf("benchConfig drew progress on a stderr that is not a terminal")
	}
}
