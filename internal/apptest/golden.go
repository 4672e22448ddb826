package apptest

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden transcripts in testdata/")

// Transcript renders an exchange as a golden transcript (STYLE.md rule 6):
// a "-- request --" section, then "-- response --" with the status, the
// named headers and the body, volatile values normalised.
func Transcript(method, path string, reqHeader http.Header, reqBody string, resp *Response, headers ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- request --\n%s %s\n", method, path)
	writeHeaders(&b, reqHeader, sortedKeys(reqHeader))
	fmt.Fprintf(&b, "\n%s\n-- response --\n%d %s\n", reqBody, resp.Status, http.StatusText(resp.Status))
	writeHeaders(&b, resp.Header, headers)
	fmt.Fprintf(&b, "\n%s\n", strings.TrimRight(string(resp.Body), "\n"))
	return Normalize(b.String())
}

func writeHeaders(b *strings.Builder, h http.Header, names []string) {
	for _, n := range names {
		for _, v := range h.Values(n) {
			fmt.Fprintf(b, "%s: %s\n", http.CanonicalHeaderKey(n), v)
		}
	}
}

func sortedKeys(h http.Header) []string {
	var ks []string
	for k := range h {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// volatile are the values that change from run to run, each replaced by a
// stable placeholder.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`), "<JWT>"},
	{regexp.MustCompile(`rn_rt_[A-Za-z0-9_-]{49}`), "<REFRESH_TOKEN>"},
	{regexp.MustCompile(`rn_ak_[0-9a-f]{48}`), "<API_KEY>"},
	{regexp.MustCompile(`\b(ses|usr|ten|cli)_[0-9a-f]{24}\b`), "<${1}_ID>"},
	{regexp.MustCompile(`\b[0-9a-f]{16}\b`), "<HEX16>"},
}

// Normalize replaces volatile values (JWTs, refresh tokens, ids) with
// placeholders so transcripts are stable.
func Normalize(s string) string {
	for _, v := range volatile {
		s = v.re.ReplaceAllString(s, v.with)
	}
	return s
}

// Golden compares got with the file at path, or rewrites the file when the
// test runs with -update.
func Golden(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run the test with -update to create it)", path, err)
	}
	if string(want) != got {
		t.Errorf("golden %s differs (rerun with -update if the change is intended)\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}
