package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/server"
)

// TestMountsFailAtStart: conflicting or broken mounts are refused when the
// handler is built, with a message naming the problem.
func TestMountsFailAtStart(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	cases := []struct {
		name   string
		mounts []string
		want   string
	}{
		{"same dialect, same prefix", []string{"dialect=icredit,prefix=/x,tenant=demo,client=icredit-client", "dialect=icredit,prefix=/x/,tenant=demo,client=icredit-client"}, "both claim the route"},
		{"unknown dialect", []string{"dialect=nope,tenant=demo,client=demo-client"}, `unknown dialect "nope"`},
		{"unknown tenant", []string{"dialect=icredit,tenant=ghost,client=icredit-client"}, `tenant "ghost"`},
		{"unknown client", []string{"dialect=icredit,tenant=demo,client=ghost"}, `client "ghost"`},
		{"bad prefix", []string{"dialect=icredit,prefix=nope,tenant=demo,client=icredit-client"}, "must start with /"},
		{"not key=value", []string{"dialect=icredit,prefix"}, "not key=value"},
	}
	for _, tc := range cases {
		env.App.Cfg.Mounts = tc.mounts
		_, err := env.App.Handler(context.Background())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Handler() = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	env.App.Cfg.Mounts = []string{"dialect=icredit,prefix=/a,tenant=demo,client=icredit-client", "dialect=icredit,prefix=,tenant=demo,client=icredit-client"}
	if _, err := env.App.Handler(context.Background()); err != nil {
		t.Errorf("two prefixes of one dialect: %v", err)
	}
}

// TestBootstrapOnce: the first start creates the demo records and prints
// their credentials once; with JSON logs they go to a 0600 file, never to
// the log.
func TestBootstrapOnce(t *testing.T) {
	dir := t.TempDir()
	cfg := &config.Config{HTTPAddr: "127.0.0.1:0", DatabaseURL: "sqlite:" + filepath.Join(dir, "r.db"), LogFormat: "json", StoreTimeout: 5e9}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	app, err := server.Build(context.Background(), cfg, logger, server.Options{Password: apptest.FastPassword})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if info, err := os.Stat(filepath.Join(dir, "r.db.secret")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("dev secret file: %v, mode %v; want 0600", err, info.Mode())
	}
	cr, err := app.Bootstrap(context.Background())
	if err != nil || cr == nil || cr.AdminPass == "" || cr.HDIKey == "" {
		t.Fatalf("first Bootstrap = %+v, %v", cr, err)
	}
	var stdout bytes.Buffer
	if err := app.PrintCredentials(&stdout, cr); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String()+stdout.String(), cr.AdminPass) || strings.Contains(logs.String(), cr.ClientSecret) {
		t.Error("credentials reached the JSON log or stdout")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.credentials"))
	if len(files) != 1 {
		t.Fatalf("credential files: %v", files)
	}
	b, _ := os.ReadFile(files[0])
	info, _ := os.Stat(files[0])
	if !strings.Contains(string(b), cr.AdminPass) || info.Mode().Perm() != 0o600 {
		t.Errorf("credentials file (mode %v) lacks the password", info.Mode())
	}
	again, err := app.Bootstrap(context.Background())
	if err != nil || again != nil {
		t.Errorf("second Bootstrap = %+v, %v; want nothing", again, err)
	}
}

// TestPostgresNeedsSecret: replicas must share RENOVA_SECRET, so it is
// required with PostgreSQL.
func TestPostgresNeedsSecret(t *testing.T) {
	cfg := &config.Config{DatabaseURL: apptest.PostgresURL(t), StoreTimeout: 5e9, LogFormat: "text"}
	_, err := server.Build(context.Background(), cfg, slog.New(slog.DiscardHandler), server.Options{})
	if err == nil || !strings.Contains(err.Error(), "RENOVA_SECRET is required") {
		t.Errorf("Build on PostgreSQL without a secret = %v", err)
	}
}
