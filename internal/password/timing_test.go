package password

import (
	"context"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestFailureWork checks that every failed check does the same work, one
// argon2id and one bcrypt hash, whatever the stored format (issue 14: an
// imported bcrypt user was told apart by 33 ms), and that a success does
// only the work of its own format.
func TestFailureWork(t *testing.T) {
	h := New(Params{Memory: 64, Time: 1, Threads: 1, LegacyCost: bcrypt.MinCost}, 1)
	ctx := context.Background()
	argon, err := h.Hash(ctx, "right password")
	if err != nil {
		t.Fatal(err)
	}
	bc, _ := bcrypt.GenerateFromPassword([]byte("right password"), bcrypt.MinCost)
	both := []string{"argon2id", "bcrypt"}
	cases := []struct {
		name, hash, pw string
		wantErr        error
		work           []string
	}{
		{"unknown user", "", "wrong password", ErrMismatch, both},
		{"unreadable hash", "$argon2id$garbage", "wrong password", ErrMismatch, both},
		{"wrong argon2id password", argon, "wrong password", ErrMismatch, both},
		{"wrong bcrypt password", string(bc), "wrong password", ErrMismatch, both},
		{"right argon2id password", argon, "right password", nil, []string{"argon2id"}},
		{"right bcrypt password", string(bc), "right password", nil, []string{"bcrypt"}},
	}
	for _, tc := range cases {
		var work []string
		h.work = func(kind string) { work = append(work, kind) }
		_, err := h.Verify(ctx, tc.hash, tc.pw)
		if err != tc.wantErr {
			t.Errorf("Verify(%s) = %v, want %v", tc.name, err, tc.wantErr)
		}
		slices.Sort(work)
		if !slices.Equal(work, tc.work) {
			t.Errorf("Verify(%s) computed %v, want %v", tc.name, work, tc.work)
		}
	}
}

// BenchmarkFailedVerify measures the three failing paths at production
// cost (argon2id Default, bcrypt cost 10): their times must not tell the
// paths apart. Each iteration runs the three paths in turn, so that load
// from elsewhere on the machine falls on all three alike, and the median
// of each path is reported as ms/<path>:
//
//	go test ./internal/password -run '^$' -bench FailedVerify -benchtime 40x
func BenchmarkFailedVerify(b *testing.B) {
	h := New(Default, 1)
	ctx := context.Background()
	argon, err := h.Hash(ctx, "right password")
	if err != nil {
		b.Fatal(err)
	}
	bc, _ := bcrypt.GenerateFromPassword([]byte("right password"), bcrypt.DefaultCost)
	paths := []struct{ name, hash string }{
		{"unknown-user", ""},
		{"wrong-argon2id", argon},
		{"wrong-bcrypt", string(bc)},
	}
	took := make([][]time.Duration, len(paths))
	for b.Loop() {
		for i, p := range paths {
			start := time.Now()
			if _, err := h.Verify(ctx, p.hash, "wrong password"); err != ErrMismatch {
				b.Fatalf("Verify(%s) = %v, want ErrMismatch", p.name, err)
			}
			took[i] = append(took[i], time.Since(start))
		}
	}
	for i, p := range paths {
		slices.Sort(took[i])
		b.ReportMetric(float64(took[i][len(took[i])/2])/1e6, "ms/"+p.name)
	}
}
