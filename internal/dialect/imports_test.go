package dialect_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

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
	readSources(t, "../..")
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

// readSources reads every Go file of the module under root. go test caches
// a passing result by the files a test opens, and go list's reads are not
// seen: reading the sources here makes any edit anywhere in the module
// rerun this test instead of replaying a stale pass.
func readSources(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		_, err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatalf("read the module's sources: %v", err)
	}
}

// TestImportRule keeps the layout of STYLE.md true: a dialect sees only the
// core (auth) and the wire toolkit (httpx), never the store, so every rule
// of rotation, expiry and revocation is the core's (the store is reached
// only through auth); nothing of the composition root or the load
// generator; and no other dialect.
func TestImportRule(t *testing.T) {
	for _, p := range listDeps(t, module+"internal/dialect/...") {
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
