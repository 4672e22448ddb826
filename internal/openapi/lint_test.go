package openapi_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	docs "github.com/renova-auth/renova/docs/openapi"
)

// redoclyDir holds the pinned Redocly CLI that .ci/run installs with
// npm ci, and its configuration.
const redoclyDir = "testdata/redocly"

// redocly returns the path of the Redocly CLI; it skips the test locally
// and fails it in CI when the CLI is not installed.
func redocly(t *testing.T) string {
	t.Helper()
	_, err := exec.LookPath("node")
	bin := filepath.Join(redoclyDir, "node_modules", ".bin", "redocly")
	if err == nil {
		_, err = os.Stat(bin)
	}
	if err == nil {
		return bin
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("Redocly CLI is not installed (.ci/run runs npm ci in internal/openapi/%s): %v", redoclyDir, err)
	}
	t.Skipf("Redocly CLI is not installed: run npm ci in internal/openapi/%s (%v)", redoclyDir, err)
	return ""
}

// TestRedoclyLint validates every document with an independent
// validator, Redocly CLI's lint (OpenAPI 3.1 structure, $refs, examples
// against their schemas, and the recommended rules with every warning an
// error). Telemetry and the update check are off: tests reach no network.
func TestRedoclyLint(t *testing.T) {
	bin := redocly(t)
	args := []string{"node_modules/.bin/redocly", "lint", "--config", "redocly.yaml", "--format", "stylish"}
	for _, name := range docs.Names() {
		args = append(args, filepath.Join("..", "..", "..", "..", "docs", "openapi", name+".json"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = redoclyDir
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("redocly lint of docs/openapi/*.json (%s): %v\n%s", bin, err, out)
	}
}
