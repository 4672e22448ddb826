package legacy

import (
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/testclock"
)

// TestParse: the options parse into a config, and every bad value fails
// with a message naming the option.
func TestParse(t *testing.T) {
	until := "2027-01-31T23:59:59Z"
	cases := []struct {
		name    string
		opts    map[string]string
		wantErr string // "" means success
		want    string // Config.String() on success
	}{
		{"absent", map[string]string{}, "", ""},
		{"https", map[string]string{"legacy": "https://old.example/api/"}, "", "https://old.example/api"},
		{"loopback http", map[string]string{"legacy": "http://127.0.0.1:9000"}, "", "http://127.0.0.1:9000"},
		{"localhost http", map[string]string{"legacy": "http://localhost:9000/x"}, "", "http://localhost:9000/x"},
		{"ipv6 loopback", map[string]string{"legacy": "http://[::1]:9000"}, "", "http://[::1]:9000"},
		{"remote http", map[string]string{"legacy": "http://old.example"}, "must use https", ""},
		{"relative", map[string]string{"legacy": "/api"}, "absolute", ""},
		{"ftp", map[string]string{"legacy": "ftp://old.example"}, "absolute", ""},
		{"user info", map[string]string{"legacy": "https://u:p@old.example"}, "user info", ""},
		{"query", map[string]string{"legacy": "https://old.example/?key=s"}, "query", ""},
		{"until alone", map[string]string{"legacy_until": until}, "needs option legacy", ""},
		{"timeout alone", map[string]string{"legacy_timeout": "1s"}, "needs option legacy", ""},
		{"bad until", map[string]string{"legacy": "https://o.example", "legacy_until": "tomorrow"}, "RFC 3339", ""},
		{"bad timeout", map[string]string{"legacy": "https://o.example", "legacy_timeout": "soon"}, "duration", ""},
		{"zero timeout", map[string]string{"legacy": "https://o.example", "legacy_timeout": "0s"}, "duration", ""},
		{"huge timeout", map[string]string{"legacy": "https://o.example", "legacy_timeout": "10m"}, "at most", ""},
	}
	for _, tc := range cases {
		c, err := Parse(tc.opts)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Parse(%s) = %v, want an error containing %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || c.String() != tc.want {
			t.Errorf("Parse(%s) = %q, %v; want %q", tc.name, c.String(), err, tc.want)
		}
	}
}

// TestWindow: the timeout defaults, legacy_until closes the window at its
// instant, and no until keeps it open.
func TestWindow(t *testing.T) {
	clock := testclock.New()
	c, err := Parse(map[string]string{"legacy": "https://o.example", "legacy_until": clock.Now().Add(time.Hour).Format(time.RFC3339),
		"legacy_timeout": "2s"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Timeout != 2*time.Second {
		t.Errorf("Timeout = %s, want 2s", c.Timeout)
	}
	if !c.Active(clock.Now()) {
		t.Error("Active before legacy_until = false, want true")
	}
	clock.Advance(time.Hour)
	if c.Active(clock.Now()) {
		t.Error("Active at legacy_until = true, want false")
	}
	open, _ := Parse(map[string]string{"legacy": "https://o.example"})
	if open.Timeout != DefaultTimeout || !open.Active(clock.Now().AddDate(10, 0, 0)) {
		t.Errorf("without options: Timeout %s, Active %v; want %s, true", open.Timeout, open.Active(clock.Now()), DefaultTimeout)
	}
	var none *Config
	if none.Active(clock.Now()) {
		t.Error("nil Config is active")
	}
}
