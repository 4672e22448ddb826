package icredit_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// BenchmarkLegacy measures the zero-logout migration over HTTP (issue 15,
// acceptance 3): the new renova on SQLite with an iCredit mount whose
// legacy= is a loopback server answering at once (refresh, then users/me:
// two legacy calls per adoption).
//
//   - adopt: adoptions per second, each a fresh legacy token;
//   - refresh-idle: refreshes of already-adopted sessions, p99 latency;
//   - refresh-while-adopting: the same while two goroutines adopt fresh
//     tokens all along (bounded in count), p99 to compare with idle.
//
// Run with
//
//	go test ./internal/dialect/icredit -run x -bench Legacy -benchtime 2000x -cpu 2
func BenchmarkLegacy(b *testing.B) {
	b.Run("adopt", func(b *testing.B) {
		f, _ := benchEnv(b)
		var n atomic.Int64
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if r := f.refresh(b, fmt.Sprintf("legacy-bench-%d", n.Add(1))); r.Status != 200 {
					b.Errorf("adopt: %d %s", r.Status, r.Body)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "adoptions/s")
	})
	b.Run("refresh-idle", func(b *testing.B) { benchAdoptedRefresh(b, false) })
	b.Run("refresh-while-adopting", func(b *testing.B) { benchAdoptedRefresh(b, true) })
}

// benchEnv starts the new renova and its always-answering legacy system.
func benchEnv(b *testing.B) (*benchFixture, *misbehaving) {
	m := newMisbehaving(b)
	m.mode.Store("ok")
	return &benchFixture{startMigratingEnv(b, m.srv.URL, &lockedBuffer{})}, m
}

// benchFixture presents refresh tokens at the iCredit mount.
type benchFixture struct{ env *apptest.Env }

func (f *benchFixture) refresh(b testing.TB, rt string) *apptest.Response {
	return f.env.Post(b, prefix+pathRefresh, "application/json", `{"refresh_token":"`+rt+`"}`, nil)
}

// benchAdoptedRefresh rotates adopted sessions, one chain per worker,
// optionally while adoptions run, and reports the p99 latency.
func benchAdoptedRefresh(b *testing.B, adopting bool) {
	f, _ := benchEnv(b)
	stop, done := make(chan struct{}), make(chan struct{})
	var adopted atomic.Int64
	if adopting {
		go backgroundAdoptions(b, f, stop, done, &adopted)
	} else {
		close(done)
	}
	var (
		mu   sync.Mutex
		lat  []time.Duration
		next atomic.Int64
	)
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rt := adoptOne(b, f, fmt.Sprintf("legacy-chain-%d", next.Add(1)))
		var mine []time.Duration
		for pb.Next() {
			t0 := time.Now()
			r := f.refresh(b, rt)
			mine = append(mine, time.Since(t0))
			var p pair
			if r.Status != 200 || json.Unmarshal(r.Body, &p) != nil {
				b.Errorf("refresh: %d %s", r.Status, r.Body)
				return
			}
			rt = p.RefreshToken
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	close(stop)
	<-done
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "refresh/s")
	if adopting {
		b.ReportMetric(float64(adopted.Load())/b.Elapsed().Seconds(), "adoptions/s")
	}
}

// adoptOne adopts a legacy token and returns the renova successor.
func adoptOne(b *testing.B, f *benchFixture, tok string) string {
	r := f.refresh(b, tok)
	var p pair
	if r.Status != 200 || json.Unmarshal(r.Body, &p) != nil {
		b.Fatalf("adopt: %d %s", r.Status, r.Body)
	}
	return p.RefreshToken
}

// backgroundAdoptions adopts fresh tokens from two goroutines until stop
// (and at most 100000), counting them.
func backgroundAdoptions(b *testing.B, f *benchFixture, stop, done chan struct{}, n *atomic.Int64) {
	defer close(done)
	var wg sync.WaitGroup
	var seq atomic.Int64
	for range 2 {
		wg.Go(func() {
			for seq.Load() < 100000 {
				select {
				case <-stop:
					return
				default:
				}
				if r := f.refresh(b, fmt.Sprintf("legacy-bg-%d", seq.Add(1))); r.Status == 200 {
					n.Add(1)
				}
			}
		})
	}
	wg.Wait()
}
