package password

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// fast keeps the tests quick; the format and logic are the same.
var fast = Params{Memory: 64, Time: 1, Threads: 1}

func TestHashVerify(t *testing.T) {
	h := New(fast, 2)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("Hash = %q, want a PHC argon2id string", enc)
	}
	if rehash, err := h.Verify(ctx, enc, "correct horse"); err != nil || rehash {
		t.Errorf("Verify(right) = %v, %v; want no rehash, nil", rehash, err)
	}
	if _, err := h.Verify(ctx, enc, "wrong"); err != ErrMismatch {
		t.Errorf("Verify(wrong) = %v, want ErrMismatch", err)
	}
	if _, err := h.Verify(ctx, "", "x"); err != ErrMismatch {
		t.Errorf("Verify(no hash) = %v, want ErrMismatch", err)
	}
	stronger := New(Params{Memory: 128, Time: 1, Threads: 1}, 1)
	if rehash, err := stronger.Verify(ctx, enc, "correct horse"); err != nil || !rehash {
		t.Errorf("Verify(weaker params) = %v, %v; want rehash", rehash, err)
	}
}

func TestBcryptImport(t *testing.T) {
	h := New(fast, 1)
	ctx := context.Background()
	legacy, _ := bcrypt.GenerateFromPassword([]byte("legacy pw"), bcrypt.MinCost)
	if rehash, err := h.Verify(ctx, string(legacy), "legacy pw"); err != nil || !rehash {
		t.Errorf("Verify(bcrypt, right) = %v, %v; want rehash, nil", rehash, err)
	}
	if _, err := h.Verify(ctx, string(legacy), "nope"); err != ErrMismatch {
		t.Errorf("Verify(bcrypt, wrong) = %v, want ErrMismatch", err)
	}
}

func TestMalformedHashes(t *testing.T) {
	h := New(fast, 1)
	for _, enc := range []string{"$argon2id$", "$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=64,t=0,p=1$AAAA$AAAA", "plain"} {
		if _, err := h.Verify(context.Background(), enc, "x"); err != ErrMismatch {
			t.Errorf("Verify(%q) = %v, want ErrMismatch", enc, err)
		}
	}
}

func TestVerifyHonoursContext(t *testing.T) {
	h := New(fast, 1)
	h.slots <- struct{}{} // all slots busy
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Verify(ctx, "", "x"); err != context.Canceled {
		t.Errorf("Verify with busy slots and cancelled ctx = %v, want context.Canceled", err)
	}
}

func BenchmarkDefault(b *testing.B) {
	h := New(Default, 1)
	enc, _ := h.Hash(context.Background(), "pw")
	for b.Loop() {
		h.Verify(context.Background(), enc, "pw")
	}
}

func TestCheckImported(t *testing.T) {
	legacy, _ := bcrypt.GenerateFromPassword([]byte("x"), bcrypt.MinCost)
	good := []string{string(legacy), "$argon2id$v=19$m=64,t=1,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAA"}
	bad := []string{"", "plain", "$2b$xx", "$1$md5$abc", "{SHA}abc"}
	for _, h := range good {
		if err := CheckImported(h); err != nil {
			t.Errorf("CheckImported(%q) = %v", h, err)
		}
	}
	for _, h := range bad {
		if CheckImported(h) == nil {
			t.Errorf("CheckImported(%q) accepted", h)
		}
	}
}
