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
	argon, err := h.Hash(context.Background(), "right password")
	if err != nil {
		t.Fatal(err)
	}
	bc, _ := bcrypt.GenerateFromPassword([]byte("right password"), bcrypt.MinCost)
	both := []string{"argon2id", "bcrypt"}
	cases := []workCase{
		{"unknown user", "", "wrong password", ErrMismatch, both},
		{"unreadable hash", "$argon2id$garbage", "wrong password", ErrMismatch, both},
		{"wrong argon2id password", argon, "wrong password", ErrMismatch, both},
		{"wrong bcrypt password", string(bc), "wrong password", ErrMismatch, both},
		{"right argon2id password", argon, "right password", nil, []string{"argon2id"}},
		{"right bcrypt password", string(bc), "right password", nil, []string{"bcrypt"}},
	}
	checkWork(t, h, cases)
}

// workCase is a Verify call and the hashes it must compute.
type workCase struct {
	name, hash, pw string
	wantErr        error
	work           []string
}

// checkWork runs the cases on h and compares the work each one did.
func checkWork(t *testing.T, h *Hasher, cases []workCase) {
	t.Helper()
	for _, tc := range cases {
		var work []string
		h.work = func(kind string) { work = append(work, kind) }
		_, err := h.Verify(context.Background(), tc.hash, tc.pw)
		if err != tc.wantErr {
			t.Errorf("Verify(%s) = %v, want %v", tc.name, err, tc.wantErr)
		}
		slices.Sort(work)
		if !slices.Equal(work, tc.work) {
			t.Errorf("Verify(%s) computed %v, want %v", tc.name, work, tc.work)
		}
	}
}

// TestFailureWorkImported: with PBKDF2 and scrypt dummies configured,
// every failure computes one hash of each of the four families, whatever
// the stored format (Django, Keycloak, Firebase included); a success
// computes only its own.
func TestFailureWorkImported(t *testing.T) {
	h := New(Params{Memory: 64, Time: 1, Threads: 1, LegacyCost: bcrypt.MinCost,
		PBKDF2: PBKDF2Cost{Hash: "sha256", Iterations: 1000}, Scrypt: ScryptCost{Rounds: 8, MemCost: 4}}, 1)
	argon, err := h.Hash(context.Background(), vectorPassword)
	if err != nil {
		t.Fatal(err)
	}
	all := []string{"argon2id", "bcrypt", "pbkdf2", "scrypt"}
	cases := []workCase{
		{"unknown user", "", "wrong password", ErrMismatch, all},
		{"unsupported hash", "{SSHA}abc", "wrong password", ErrMismatch, all},
		{"wrong argon2id password", argon, "wrong password", ErrMismatch, all},
		{"wrong bcrypt password", bcrypt2b, "wrong password", ErrMismatch, all},
		{"wrong Django password", djangoVector, "wrong password", ErrMismatch, all},
		{"wrong Keycloak password", PBKDF2String("sha512", 30000, unb64(keycloakSalt), unb64(keycloak512)), "wrong password", ErrMismatch, all},
		{"wrong Firebase password", firebaseVector, "wrong password", ErrMismatch, all},
		{"right Django password", djangoVector, vectorPassword, nil, []string{"pbkdf2"}},
		{"right Firebase password", firebaseVector, "user1password", nil, []string{"scrypt"}},
	}
	checkWork(t, h, cases)
	// Without the dummies, an imported user's failure costs its own hash
	// on top: the residual difference docs/import.md names.
	plain := New(Params{Memory: 64, Time: 1, Threads: 1, LegacyCost: bcrypt.MinCost}, 1)
	checkWork(t, plain, []workCase{
		{"unknown user, no dummies", "", "wrong password", ErrMismatch, []string{"argon2id", "bcrypt"}},
		{"wrong Django password, no dummies", djangoVector, "wrong password", ErrMismatch, []string{"argon2id", "bcrypt", "pbkdf2"}},
	})
}

// BenchmarkFailedVerify measures the failing paths at production cost
// (argon2id Default, bcrypt cost 10, Django 5.2's 1,000,000 PBKDF2-SHA256
// iterations, Firebase's rounds 8 and mem_cost 14): their times must not
// tell the paths apart. Each iteration runs the paths in turn, so that
// load from elsewhere on the machine falls on all alike, and the median of
// each path is reported as ms/<path>. "dummies" configures the PBKDF2 and
// scrypt dummies at the imported hashes' cost; "no-dummies" leaves them
// out, as Default does, and shows what an imported user's failure costs
// on top:
//
//	go test ./internal/password -run '^$' -bench FailedVerify -benchtime 20x
func BenchmarkFailedVerify(b *testing.B) {
	bc, _ := bcrypt.GenerateFromPassword([]byte("right password"), bcrypt.DefaultCost)
	django := PBKDF2String("sha256", 1_000_000, []byte("Qx7PmS2kA9vL"), make([]byte, 32))
	firebase := firebaseParam.String(make([]byte, 10), make([]byte, 64))
	withDummies := Default
	withDummies.PBKDF2 = PBKDF2Cost{Hash: "sha256", Iterations: 1_000_000}
	withDummies.Scrypt = ScryptCost{Rounds: 8, MemCost: 14}
	for _, v := range []struct {
		name string
		p    Params
	}{{"no-dummies", Default}, {"dummies", withDummies}} {
		b.Run(v.name, func(b *testing.B) {
			h := New(v.p, 1)
			argon, err := h.Hash(context.Background(), "right password")
			if err != nil {
				b.Fatal(err)
			}
			benchPaths(b, h, []struct{ name, hash string }{
				{"unknown-user", ""}, {"wrong-argon2id", argon}, {"wrong-bcrypt", string(bc)},
				{"wrong-pbkdf2", django}, {"wrong-firebase", firebase},
			})
		})
	}
}

// benchPaths runs each path's failing Verify once per iteration and
// reports the median time of each.
func benchPaths(b *testing.B, h *Hasher, paths []struct{ name, hash string }) {
	ctx := context.Background()
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
