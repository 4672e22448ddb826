package bench

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestEmbedSetupFails: an embedded target whose setup fails (here a
// RENOVA_SECRET too short for server.Build) returns the error and removes
// what it had made, instead of closing a nil target and panicking.
func TestEmbedSetupFails(t *testing.T) {
	cfg := tiny("refresh")
	cfg.TempDir, cfg.Secret = t.TempDir(), "short"
	rep, err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "RENOVA_SECRET") {
		t.Errorf("Run(secret %q) = %v, %v; want an error naming RENOVA_SECRET", cfg.Secret, rep, err)
	}
	if left, _ := os.ReadDir(cfg.TempDir); len(left) != 0 {
		t.Errorf("Run(secret %q) left %d entries in its temporary directory, want none", cfg.Secret, len(left))
	}
}
