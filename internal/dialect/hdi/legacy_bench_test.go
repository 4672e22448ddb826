package hdi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkLegacy measures HDI adoptions over HTTP (issue 15): the new
// renova on SQLite with an HDI mount whose legacy= is a loopback server
// answering at once.
//
//   - adopt: adoptions per second, each a fresh legacy JWT of one
//     partner user (one legacy call each);
//   - renew: renewals of renova JWTs (adopted chains), for comparison.
//
// Run with
//
//	go test ./internal/dialect/hdi -run x -bench Legacy -benchtime 2000x -cpu 2
func BenchmarkLegacy(b *testing.B) {
	renewed := benchJWT("renewed")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"token": renewed})
	}))
	b.Cleanup(srv.Close)
	p, _ := newLegacyMountDB(b, "", srv.URL, "partner-key-0123456789")
	renew := func(tok string) string {
		body, _ := json.Marshal(map[string]string{"token": tok, "applicationCode": p.appCode})
		r := p.env.Post(b, p.path("tokenrenew"), "application/json", string(body), p.header())
		var out struct{ Token string }
		if r.Status != http.StatusOK || json.Unmarshal(r.Body, &out) != nil {
			b.Errorf("tokenrenew: %d %s", r.Status, r.Body)
		}
		return out.Token
	}
	var n atomic.Int64
	b.Run("adopt", func(b *testing.B) {
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				renew(benchJWT(fmt.Sprint("bench-", n.Add(1))))
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "adoptions/s")
	})
	b.Run("renew", func(b *testing.B) {
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			tok := renew(benchJWT(fmt.Sprint("bench-", n.Add(1))))
			for pb.Next() {
				tok = renew(tok)
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "renewals/s")
	})
}

// benchJWT is a seed-shaped legacy JWT of parceiro1 (legacyJWT without a
// *testing.T).
func benchJWT(jti string) string {
	now := time.Now()
	c := jwt.MapClaims{"aud": "api.hdi.com.br", "application": []any{nil}, "iss": "hdi-corporate-auth@old.example",
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "user": []string{"parceiro1"}, "webClient": []any{nil}, "jti": jti}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte("the old system's key"))
	if err != nil {
		panic(err)
	}
	return s
}
