package floor_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/renova-auth/renova/internal/bench/floor"
	"github.com/renova-auth/renova/internal/store/postgres/pgtest"
)

func open(tb testing.TB, dbURL string) *floor.Server {
	tb.Helper()
	s, err := floor.Open(context.Background(), dbURL, 16)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func sqliteURL(tb testing.TB) string { return "sqlite:" + filepath.Join(tb.TempDir(), "floor.db") }

// post sends a form to the floor handler and decodes the answer.
func post(h http.Handler, form url.Values) (int, map[string]any) {
	req := httptest.NewRequest("POST", "/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var v map[string]any
	json.Unmarshal(w.Body.Bytes(), &v)
	return w.Code, v
}

// TestRotate: a login opens a session, a refresh rotates it once, a second
// presentation of the same token is refused, and the session keeps one
// unused token.
func TestRotate(t *testing.T) {
	for _, tc := range []struct{ name, url string }{{"sqlite", sqliteURL(t)}, {"postgres", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.url == "" {
				tc.url = pgtest.FreshSchema(t, pgtest.URL(t))
			}
			s := open(t, tc.url)
			h := s.Handler()
			code, v := post(h, url.Values{"grant_type": {"password"}})
			first, _ := v["refresh_token"].(string)
			if code != 200 || first == "" || v["access_token"] == nil {
				t.Fatalf("login = %d %v", code, v)
			}
			code, v = post(h, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first}})
			if code != 200 || v["refresh_token"] == first {
				t.Fatalf("refresh = %d %v, want 200 with a new token", code, v)
			}
			if code, v = post(h, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first}}); code != 400 || v["error"] != "invalid_grant" {
				t.Errorf("second presentation = %d %v, want 400 invalid_grant", code, v)
			}
			if code, _ = post(h, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"%%%"}}); code != 400 {
				t.Errorf("malformed token = %d, want 400", code)
			}
			n, bad, err := s.Anomalies(context.Background())
			if err != nil || n != 1 || bad != 0 {
				t.Errorf("Anomalies = %d, %d, %v; want 1 session, 0 bad", n, bad, err)
			}
		})
	}
}

// BenchmarkFloor measures the floor's handler without the network: form
// parse, one rotation round trip, one ES256 JWT, JSON; parallel workers
// each rotating their own chain, like BenchmarkRefresh in internal/auth.
//
//	go test ./internal/bench/floor -run x -bench Floor -cpu 2
func BenchmarkFloor(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchFloor(b, sqliteURL(b)) })
	b.Run("postgres", func(b *testing.B) { benchFloor(b, pgtest.FreshSchema(b, pgtest.URL(b))) })
}

func benchFloor(b *testing.B, dbURL string) {
	h := open(b, dbURL).Handler()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		_, v := post(h, url.Values{"grant_type": {"password"}})
		rt, _ := v["refresh_token"].(string)
		for pb.Next() {
			code, v := post(h, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
			if code != 200 {
				b.Errorf("refresh = %d %v", code, v)
				return
			}
			rt = v["refresh_token"].(string)
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "refresh/s")
}

// TestAnswers: the floor answers a client's mistakes with RFC 6749 errors
// and JSON that is never cached.
func TestAnswers(t *testing.T) {
	h := open(t, sqliteURL(t)).Handler()
	cases := []struct {
		name string
		form url.Values
		code int
		err  string
	}{
		{"no grant", url.Values{}, 400, "unsupported_grant_type"},
		{"client credentials", url.Values{"grant_type": {"client_credentials"}}, 400, "unsupported_grant_type"},
		{"short token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"abc"}}, 400, "invalid_grant"},
		{"unknown token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {strings.Repeat("A", 43)}}, 400, "invalid_grant"},
	}
	for _, tc := range cases {
		if code, v := post(h, tc.form); code != tc.code || v["error"] != tc.err {
			t.Errorf("POST %s = %d %v, want %d %s", tc.name, code, v, tc.code, tc.err)
		}
	}
	req := httptest.NewRequest("POST", "/oauth2/token", strings.NewReader("%%%"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 400 || !strings.Contains(w.Body.String(), "invalid_request") || w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("unparsable form = %d %s %v, want 400 invalid_request, no-store", w.Code, w.Body.String(), w.Header())
	}
}

// TestOneWinner: a token presented by 16 clients at once is rotated once;
// the floor has no grace window, so the others are refused, and the
// session still has exactly one unused token.
func TestOneWinner(t *testing.T) {
	for _, tc := range []struct{ name, url string }{{"sqlite", sqliteURL(t)}, {"postgres", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.url == "" {
				tc.url = pgtest.FreshSchema(t, pgtest.URL(t))
			}
			s := open(t, tc.url)
			h := s.Handler()
			_, v := post(h, url.Values{"grant_type": {"password"}})
			rt, _ := v["refresh_token"].(string)
			codes := make([]int, 16)
			var wg sync.WaitGroup
			for i := range codes {
				wg.Go(func() { codes[i], _ = post(h, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}) })
			}
			wg.Wait()
			won := 0
			for _, c := range codes {
				if c == 200 {
					won++
				} else if c != 400 {
					t.Errorf("a losing presentation = %d, want 400", c)
				}
			}
			n, bad, err := s.Anomalies(context.Background())
			if won != 1 || n != 1 || bad != 0 || err != nil {
				t.Errorf("16 presentations: %d won; Anomalies = %d, %d, %v; want 1 winner, 1 session, 0 bad", won, n, bad, err)
			}
		})
	}
}

// TestOpenFails: a database that cannot be opened is an error at Open.
func TestOpenFails(t *testing.T) {
	if _, err := floor.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "no", "such", "dir", "f.db"), 1); err == nil {
		t.Errorf("Open(a file in a missing directory) = nil error")
	}
	if _, err := floor.Open(context.Background(), "postgres://%zz", 1); err == nil {
		t.Errorf("Open(a malformed PostgreSQL URL) = nil error")
	}
}
