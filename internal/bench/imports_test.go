package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is renova's module path.
const module = "github.com/renova-auth/renova/"

// forbidden are the packages the load generator must not depend on, each
// with everything under it (issue 11): bench talks HTTP to a URL, and the
// composition root (internal/server/benchtarget) passes in what it needs
// from the server side.
var forbidden = []string{module + "internal/auth", module + "internal/server", module + "internal/store"}

// testOnly are the packages a bench test may use although they sit under
// a forbidden path: pgtest only makes a PostgreSQL schema with pgx, and
// imports nothing of renova (the floor's tests need one).
var testOnly = []string{module + "internal/store/postgres/pgtest"}

// listed is the part of `go list -json` this test reads.
type listed struct {
	ImportPath string
	ForTest    string // set for a package recompiled for a test
	Deps       []string
	Error      *struct{ Err string }
}

// goList runs `go list -json` with args in this directory and decodes
// its stream of packages.
func goList(t *testing.T, args ...string) []listed {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the go tool is not on PATH: %v", err)
		}
		t.Skipf("the go tool is not on PATH (%v): cannot list bench's dependencies", err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(goTool, append([]string{"list", "-json"}, args...)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	var pkgs []listed
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list %v: decode: %v", args, err)
		}
		if p.Error != nil {
			t.Fatalf("go list %v: %s: %s", args, p.ImportPath, p.Error.Err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// violations returns the deps of p that are, or sit under, a forbidden
// package and are not in allowed.
func violations(p listed, allowed []string) []string {
	var bad []string
	for _, d := range p.Deps {
		d, _, _ = strings.Cut(d, " ") // "pkg [pkg.test]" is pkg recompiled for a test
		if slices.Contains(allowed, d) {
			continue
		}
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				bad = append(bad, d)
			}
		}
	}
	return bad
}

// TestImports holds the load generator to its one dependency on renova:
// HTTP. Neither bench nor any package under it, nor their tests, may
// depend on internal/auth, internal/server or internal/store (pgtest
// aside, in tests only).
func TestImports(t *testing.T) {
	pkgs := goList(t, "./...")
	var names []string
	for _, p := range pkgs {
		names = append(names, p.ImportPath)
	}
	for _, want := range []string{module + "internal/bench", module + "internal/bench/floor"} {
		if !slices.Contains(names, want) {
			t.Fatalf("go list ./... in internal/bench = %v, want %s among them", names, want)
		}
	}
	for _, p := range pkgs {
		if bad := violations(p, nil); len(bad) > 0 {
			t.Errorf("%s depends on %v; bench must reach renova over HTTP only (issue 11)", p.ImportPath, bad)
		}
	}
	for _, p := range goList(t, "-test", "./...") {
		if bad := violations(p, testOnly); len(bad) > 0 {
			t.Errorf("%s (with its tests) depends on %v; test the real renova in internal/server/benchtarget", p.ImportPath, bad)
		}
	}
}

// TestViolations: the rule sees a forbidden package, one under it and one
// recompiled for a test, and lets through what only shares a prefix.
func TestViolations(t *testing.T) {
	p := listed{Deps: []string{"fmt", module + "internal/auth", module + "internal/store/sqlite",
		module + "internal/server [" + module + "internal/server.test]", module + "internal/storefront",
		module + "internal/store/postgres/pgtest"}}
	got := violations(p, testOnly)
	want := []string{module + "internal/auth", module + "internal/store/sqlite", module + "internal/server"}
	if !slices.Equal(got, want) {
		t.Errorf("violations(%v) = %v, want %v", p.Deps, got, want)
	}
	if got := violations(p, nil); len(got) != 4 {
		t.Errorf("violations without test exceptions = %v, want pgtest too", got)
	}
}
