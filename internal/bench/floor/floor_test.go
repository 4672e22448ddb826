package floor_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
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
