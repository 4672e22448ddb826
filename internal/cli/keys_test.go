package cli

import (
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// keyJSON is the --json shape of a signing key.
type keyJSON struct{ Kid, Alg, State string }

// keyStates counts keys by "alg/state".
func keyStates(t *testing.T, db string) (map[string]int, []keyJSON) {
	t.Helper()
	var ks []keyJSON
	runJSON(t, db, &ks, "keys", "list")
	n := map[string]int{}
	for _, k := range ks {
		n[k.Alg+"/"+k.State]++
	}
	return n, ks
}

// TestKeysRotate: rotation promotes the published next key (never a key
// nobody has seen), retires the current one and publishes a fresh next
// (PRODUCT.md §1); without an argument every algorithm rotates.
func TestKeysRotate(t *testing.T) {
	db := newDB(t)
	states, ks := keyStates(t, db)
	for _, alg := range []string{"ES256", "RS256", "EdDSA"} {
		if states[alg+"/current"] != 1 || states[alg+"/next"] != 1 || states[alg+"/retired"] != 0 {
			t.Errorf("%s keys on a new database: %v; want one current and one next", alg, states)
		}
	}
	next := map[string]string{}
	for _, k := range ks {
		if k.State == "next" {
			next[k.Alg] = k.Kid
		}
	}

	// Keys made by the first start are too young: a verifier may hold a
	// JWKS fetched before they were published.
	// The wait is 90 s (JWKS cache 60 s + key reload 30 s) less the
	// wall-clock time this test has taken so far: match "wait 1m2x-30s".
	_, errs, code := run(t, db, "keys", "rotate", "ES256")
	if m := regexp.MustCompile(`wait 1m(\d+)s, or force the rotation \(--force\)`).FindStringSubmatch(errs); code == 0 || m == nil || atoi(m[1]) < 20 {
		t.Errorf("keys rotate right after the first start = %d %q, want a refusal asking to wait about 1m30s", code, errs)
	}
	age(t, db, 91*time.Second)
	out := mustRun(t, db, "keys", "rotate", "ES256")
	if want := "ES256: current key is now " + next["ES256"]; strings.TrimSpace(out) != want {
		t.Errorf("keys rotate ES256 printed %q, want %q (the former next key)", out, want)
	}
	// The fresh ES256 next key is a second old: refused, as a whole.
	failRun(t, db, "ES256: the next key was published", "keys", "rotate")
	out = mustRun(t, db, "keys", "rotate", "--force")
	lines := regexp.MustCompile(`(?m)^(\w+): current key is now (\S+)$`).FindAllStringSubmatch(out, -1)
	if len(lines) != 3 || lines[1][1] != "RS256" || lines[1][2] != next["RS256"] || lines[2][2] != next["EdDSA"] {
		t.Errorf("keys rotate printed:\n%s\nwant ES256, RS256 and EdDSA, the last two now on %s and %s", out, next["RS256"], next["EdDSA"])
	}

	states, _ = keyStates(t, db)
	want := map[string]int{"ES256/retired": 2, "RS256/retired": 1, "EdDSA/retired": 1}
	for _, alg := range []string{"ES256", "RS256", "EdDSA"} {
		want[alg+"/current"], want[alg+"/next"] = 1, 1
	}
	if fmt.Sprint(states) != fmt.Sprint(want) {
		t.Errorf("keys after rotating ES256 twice and the others once: %v, want %v", states, want)
	}
	table := mustRun(t, db, "keys", "list")
	if rows := strings.Split(strings.TrimSpace(table), "\n"); len(rows) != 11 || strings.Join(strings.Fields(rows[0]), " ") != "KID ALG STATE CREATED" {
		t.Errorf("keys list:\n%s\nwant a header and ten keys", table)
	}

	failRun(t, db, `unsupported signing algorithm "HS256"`, "keys", "rotate", "HS256")
	failRun(t, db, "accepts at most 1 arg(s)", "keys", "rotate", "ES256", "RS256")
}

// TestKeysRotateReachesServer: a server that reloads its keys signs with
// the key the CLI promoted, and still verifies tokens of the retired one.
func TestKeysRotateReachesServer(t *testing.T) {
	db := newDB(t)
	app := openApp(t, db, nil)
	before, _ := app.Ring.Current("ES256")
	out := mustRun(t, db, "keys", "rotate", "ES256", "--force")
	if err := app.Ring.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	after, _ := app.Ring.Current("ES256")
	if !strings.Contains(out, after.Kid) || after.Kid == before.Kid {
		t.Errorf("after keys rotate (%q) and a reload the server signs with %s (was %s)", out, after.Kid, before.Kid)
	}
	if _, _, ok := app.Ring.Public(before.Kid); !ok {
		t.Errorf("the retired key %s is no longer published", before.Kid)
	}
}

// age moves every key's creation d into the past, as if the CLI ran that
// much later.
func age(t *testing.T, db string, d time.Duration) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("UPDATE signing_keys SET created_at = created_at - ?", d.Microseconds()); err != nil {
		t.Fatal(err)
	}
}

// atoi is strconv.Atoi for digits a regexp already matched.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
