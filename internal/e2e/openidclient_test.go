package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// openidClientDir holds the pinned openid-client that .ci/run installs
// with npm ci.
const openidClientDir = "testdata/openid-client"

// node returns the node binary when openid-client is installed beside
// the script; it skips the test locally and fails it in CI otherwise.
func node(t *testing.T) string {
	t.Helper()
	n, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(openidClientDir, "node_modules", "openid-client", "package.json"))
	}
	if err == nil {
		return n
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("openid-client is not installed (.ci/run runs npm ci in %s): %v", openidClientDir, err)
	}
	t.Skipf("openid-client is not installed: run npm ci in internal/e2e/%s (%v)", openidClientDir, err)
	return ""
}

// TestDiscoveryOpenIDClient has openid-client (Node) discover renova and
// build a PKCE authorization URL and a logout URL from the document, as a
// JavaScript relying party would (issue 12, acceptance 3).
func TestDiscoveryOpenIDClient(t *testing.T) {
	bin := node(t)
	env := apptest.Start(t, apptest.Options{LoopbackIssuer: true})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "discover.mjs", env.URL, "spa", "http://127.0.0.1:8765/callback")
	cmd.Dir = openidClientDir
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("openid-client discovery: %v\n%s%s", err, out, stderr)
	}
	var got struct {
		Issuer           string `json:"issuer"`
		SupportsPKCE     bool   `json:"supportsPKCE"`
		AuthorizationURL string `json:"authorizationURL"`
		EndSessionURL    string `json:"endSessionURL"`
		UserInfo         string `json:"userinfo"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("openid-client said %s: %v", out, err)
	}
	if got.Issuer != env.URL || !got.SupportsPKCE {
		t.Fatalf("openid-client read issuer %q, supportsPKCE %v", got.Issuer, got.SupportsPKCE)
	}
	au, err := url.Parse(got.AuthorizationURL)
	if err != nil || !strings.HasPrefix(got.AuthorizationURL, env.URL+"/") {
		t.Fatalf("authorization URL %q", got.AuthorizationURL)
	}
	q := au.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("client_id") != "spa" || q.Get("response_type") != "code" {
		t.Fatalf("authorization URL query %v", q)
	}
	if !strings.HasPrefix(got.EndSessionURL, env.URL+"/") || !strings.HasPrefix(got.UserInfo, env.URL+"/") {
		t.Fatalf("end session URL %q, userinfo %q", got.EndSessionURL, got.UserInfo)
	}
}
