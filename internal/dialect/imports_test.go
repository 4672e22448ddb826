package dialect_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"

	// Every dialect is linked into this test, so that go test's cache, which
	// keys a result on the packages a test is built from, reruns the import
	// rule whenever any dialect changes (go list's reads are not seen).
	_ "github.com/renova-auth/renova/internal/dialect/consinco"
	_ "github.com/renova-auth/renova/internal/dialect/formulacerta"
	_ "github.com/renova-auth/renova/internal/dialect/hdi"
	_ "github.com/renova-auth/renova/internal/dialect/icredit"
	_ "github.com/renova-auth/renova/internal/dialect/standard"
)

// dialects are the packages linked in above; a new dialect must be added
// there and here, or TestImportRule fails.
var dialects = []string{"consinco", "formulacerta", "hdi", "icredit", "standard"}

// module is the import path prefix of renova's packages.
const module = "github.com/renova-auth/renova/"

// pkg is the part of `go list -json` this test reads.
type pkg struct {
	ImportPath string
	Imports    []string // direct imports
	Deps       []string // transitive dependencies
}

// listDeps runs `go list -deps -json` style queries through the go tool
// and returns every package matched by patterns with its transitive
// dependencies (test files excluded: fixtures may build records with the
// store).
func listDeps(t *testing.T, patterns ...string) []pkg {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH: cannot check the import rule")
	}
	cmd := exec.Command(goTool, append([]string{"list", "-json=ImportPath,Imports,Deps"}, patterns...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", patterns, err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatalf("go list %v matched no package", patterns)
	}
	return pkgs
}

// within reports whether import path d is the package rel of this module
// or one below it.
func within(d, rel string) bool {
	r, ok := strings.CutPrefix(d, module)
	return ok && (r == rel || strings.HasPrefix(r, rel+"/"))
}

// TestImportRule keeps the layout of STYLE.md true: a dialect sees only the
// core (auth) and the wire toolkit (httpx), never the store, so every rule
// of rotation, expiry and revocation is the core's (the store is reached
// only through auth); nothing of the composition root or the load
// generator; and no other dialect.
func TestImportRule(t *testing.T) {
	pkgs := listDeps(t, module+"internal/dialect/...")
	var names []string
	for _, p := range pkgs {
		names = append(names, strings.TrimPrefix(p.ImportPath, module+"internal/dialect/"))
	}
	if want := append([]string{module + "internal/dialect"}, dialects...); !slices.Equal(names, want) {
		t.Errorf("go list internal/dialect/... = %v, want %v (link a new dialect into this test)", names, want)
	}
	for _, p := range pkgs {
		for _, d := range p.Imports {
			if within(d, "internal/store") {
				t.Errorf("%s imports %s; a dialect gets records and errors from auth, never from the store", p.ImportPath, d)
			}
		}
		for _, d := range p.Deps {
			for _, f := range []string{"internal/server", "internal/cli", "internal/bench"} {
				if within(d, f) {
					t.Errorf("%s depends on %s; dialects may not reach the composition root or the load generator", p.ImportPath, d)
				}
			}
			if within(d, "internal/dialect") && d != module+"internal/dialect" && d != p.ImportPath {
				t.Errorf("%s depends on another dialect, %s", p.ImportPath, d)
			}
		}
	}
}

// TestImportRuleSeesViolations guards the guard: auth imports the store
// directly, so go list must say so, or the rule above checks nothing.
func TestImportRuleSeesViolations(t *testing.T) {
	for _, p := range listDeps(t, module+"internal/auth") {
		if !slices.Contains(p.Imports, module+"internal/store") || !slices.ContainsFunc(p.Deps, func(d string) bool { return within(d, "internal/store") }) {
			t.Errorf("go list says %s does not import internal/store; the import rule test cannot see imports", p.ImportPath)
		}
	}
}
