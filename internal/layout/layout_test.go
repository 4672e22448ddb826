package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// module is renova's module path.
const module = "github.com/renova-auth/renova/"

// listed is the part of `go list -json` these tests read.
type listed struct {
	ImportPath string
	Imports    []string // direct imports
	Deps       []string // transitive dependencies
	Error      *struct{ Err string }
}

// goList runs `go list -json` with args and decodes its stream of
// packages. It first reads every Go file of the module: go test caches a
// passing result by the files a test opens and the binary it runs, and
// neither changes when go list alone sees a new import, so without the
// reads a stale pass would be replayed.
func goList(t *testing.T, args ...string) []listed {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the go tool is not on PATH: %v", err)
		}
		t.Skipf("the go tool is not on PATH (%v): cannot check the import rules", err)
	}
	readSources(t, "../..")
	var stderr bytes.Buffer
	cmd := exec.Command(goTool, append([]string{"list", "-json=ImportPath,Imports,Deps,Error"}, args...)...)
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
	if len(pkgs) == 0 {
		t.Fatalf("go list %v matched no package", args)
	}
	return pkgs
}

// readSources reads every Go file under root (see goList).
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

// under returns the paths of deps that are, or sit under, one of the
// module's packages rel (an entry "pkg [pkg.test]" is pkg recompiled for a
// test), except those in allowed.
func under(deps []string, allowed []string, rel ...string) []string {
	var bad []string
	for _, d := range deps {
		d, _, _ = strings.Cut(d, " ")
		if slices.Contains(allowed, d) {
			continue
		}
		for _, r := range rel {
			if d == module+r || strings.HasPrefix(d, module+r+"/") {
				bad = append(bad, d)
			}
		}
	}
	return bad
}

// TestDialectsSeeOnlyTheCore: no dialect imports the store (every rule of
// rotation, expiry and revocation is the core's; records and not-found come
// from auth), depends on the composition root, the CLI or the load
// generator, or depends on another dialect.
func TestDialectsSeeOnlyTheCore(t *testing.T) {
	for _, p := range goList(t, module+"internal/dialect/...") {
		if bad := under(p.Imports, nil, "internal/store"); len(bad) > 0 {
			t.Errorf("%s imports %v; a dialect gets records and errors from auth, never from the store", p.ImportPath, bad)
		}
		if bad := under(p.Deps, nil, "internal/server", "internal/cli", "internal/bench"); len(bad) > 0 {
			t.Errorf("%s depends on %v; a dialect may not reach the composition root or the load generator", p.ImportPath, bad)
		}
		for _, d := range under(p.Deps, nil, "internal/dialect") {
			if d != module+"internal/dialect" && d != p.ImportPath {
				t.Errorf("%s depends on another dialect, %s", p.ImportPath, d)
			}
		}
	}
}

// benchTestOnly may be used by bench's tests although it sits under the
// store: pgtest only makes a PostgreSQL schema with pgx and imports nothing
// of renova (the floor's tests need one).
var benchTestOnly = []string{module + "internal/store/postgres/pgtest"}

// TestBenchIsALoadGenerator holds the load generator to its one dependency
// on renova, HTTP: neither bench nor any package under it, nor their
// tests, may depend on internal/auth, internal/server or internal/store
// (pgtest aside, in tests only). The composition root
// (internal/server/benchtarget) passes in what it needs.
func TestBenchIsALoadGenerator(t *testing.T) {
	var names []string
	for _, p := range goList(t, module+"internal/bench/...") {
		names = append(names, p.ImportPath)
		if bad := under(p.Deps, nil, "internal/auth", "internal/server", "internal/store"); len(bad) > 0 {
			t.Errorf("%s depends on %v; bench must reach renova over HTTP only", p.ImportPath, bad)
		}
	}
	for _, want := range []string{module + "internal/bench", module + "internal/bench/floor"} {
		if !slices.Contains(names, want) {
			t.Errorf("go list internal/bench/... = %v, want %s among them", names, want)
		}
	}
	for _, p := range goList(t, "-test", module+"internal/bench/...") {
		if bad := under(p.Deps, benchTestOnly, "internal/auth", "internal/server", "internal/store"); len(bad) > 0 {
			t.Errorf("%s (with its tests) depends on %v; test the real renova in internal/server/benchtarget", p.ImportPath, bad)
		}
	}
}

// TestUnder: the rule sees a package, one under it and one recompiled for
// a test, and lets through what only shares a prefix or is allowed.
func TestUnder(t *testing.T) {
	deps := []string{"fmt", module + "internal/auth", module + "internal/store/sqlite",
		module + "internal/server [" + module + "internal/server.test]", module + "internal/storefront",
		module + "internal/store/postgres/pgtest"}
	got := under(deps, benchTestOnly, "internal/auth", "internal/server", "internal/store")
	want := []string{module + "internal/auth", module + "internal/store/sqlite", module + "internal/server"}
	if !slices.Equal(got, want) {
		t.Errorf("under(%v) = %v, want %v", deps, got, want)
	}
	if got := under(deps, nil, "internal/store"); len(got) != 2 {
		t.Errorf("under without exceptions = %v, want sqlite and pgtest", got)
	}
}

// TestGoListSeesImports guards the guards: auth imports the store
// directly, so go list must say so, or the rules above check nothing.
func TestGoListSeesImports(t *testing.T) {
	for _, p := range goList(t, module+"internal/auth") {
		if len(under(p.Imports, nil, "internal/store")) == 0 || len(under(p.Deps, nil, "internal/store")) == 0 {
			t.Errorf("go list says %s does not import internal/store; the import rules cannot see imports", p.ImportPath)
		}
	}
}

// TestAdminSeesOnlyTheCore holds the admin API to the shape of a surface:
// records and rules come from auth, never from the store directly.
func TestAdminSeesOnlyTheCore(t *testing.T) {
	for _, p := range goList(t, module+"internal/admin") {
		if bad := under(p.Imports, nil, "internal/store"); len(bad) > 0 {
			t.Errorf("%s imports %v; the admin API gets records and rules from auth", p.ImportPath, bad)
		}
		if bad := under(p.Deps, nil, "internal/server", "internal/cli", "internal/dialect"); len(bad) > 0 {
			t.Errorf("%s depends on %v", p.ImportPath, bad)
		}
	}
}
