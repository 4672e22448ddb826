package secret

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	tok, err := New(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s := tok.String()
	if !strings.HasPrefix(s, Prefix) || len(s) != 55 {
		t.Fatalf("String() = %q, want rn_rt_ and 55 chars", s)
	}
	got, err := Parse(s)
	if err != nil || got != tok {
		t.Fatalf("Parse(String()) = %v, %v; want the same token", got, err)
	}
}

func TestParseRejects(t *testing.T) {
	tok, _ := New(rand.Reader)
	good := tok.String()
	flip := []byte(good)
	flip[10] ^= 1
	cases := map[string]string{
		"empty":         "",
		"wrong prefix":  "rn_xx_" + good[6:],
		"short":         good[:54],
		"long":          good + "A",
		"bad checksum":  good[:49] + "AAAAAA",
		"flipped body":  string(flip),
		"not base64":    Prefix + strings.Repeat("!", 49),
		"access token?": "eyJhbGciOiJFUzI1NiJ9.e30.sig",
	}
	for name, s := range cases {
		if _, err := Parse(s); err != ErrMalformed {
			t.Errorf("Parse(%s) = %v, want ErrMalformed", name, err)
		}
	}
}

func TestSuccessorIsDeterministicAndKeyed(t *testing.T) {
	tok, _ := New(rand.Reader)
	a, b := tok.Successor([]byte("k1")), tok.Successor([]byte("k1"))
	if a != b {
		t.Error("Successor is not deterministic")
	}
	if a == tok.Successor([]byte("k2")) {
		t.Error("Successor ignores the key")
	}
	if a == tok || bytes.Equal(a.Hash(), tok.Hash()) {
		t.Error("Successor equals its parent")
	}
	if _, err := Parse(a.String()); err != nil {
		t.Errorf("successor does not parse: %v", err)
	}
}

func TestTokenRedactsInLogs(t *testing.T) {
	tok, _ := New(rand.Reader)
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "token", tok)
	if strings.Contains(buf.String(), tok.String()[6:20]) {
		t.Errorf("log line leaks the token: %s", buf.String())
	}
	_ = fmt.Sprint(tok)
}

func FuzzParse(f *testing.F) {
	tok, _ := New(rand.Reader)
	f.Add(tok.String())
	f.Add("rn_rt_")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		if err == nil && got.String() != s {
			t.Errorf("Parse(%q) accepted a non-canonical form %q", s, got.String())
		}
	})
}
