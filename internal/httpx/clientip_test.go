package httpx

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestResolveClientIP: the rightmost untrusted hop, only from a trusted
// peer; Forwarded before X-Forwarded-For; garbled hops stop the walk.
func TestResolveClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ffff::/48")}
	cases := []struct {
		name, peer, fwd, xff, want string
	}{
		{"untrusted peer, spoofed xff", "192.0.2.9:1234", "", "203.0.113.1", "192.0.2.9"},
		{"untrusted peer, spoofed forwarded", "192.0.2.9:1234", "for=203.0.113.1", "", "192.0.2.9"},
		{"trusted peer, no header", "10.0.0.1:1", "", "", "10.0.0.1"},
		{"trusted peer, xff", "10.0.0.1:1", "", "203.0.113.1", "203.0.113.1"},
		{"rightmost untrusted hop", "10.0.0.1:1", "", "198.51.100.1, 203.0.113.1, 10.2.2.2", "203.0.113.1"},
		{"forwarded wins", "10.0.0.1:1", `for="[2001:db8::1]:80";proto=https`, "203.0.113.1", "2001:db8::1"},
		{"forwarded with port", "10.0.0.1:1", `for="192.0.2.60:4711"`, "", "192.0.2.60"},
		{"obfuscated hop", "10.0.0.1:1", "for=_hidden, for=10.3.3.3", "", "10.3.3.3"},
		{"all trusted", "10.0.0.1:1", "", "10.9.9.9, 10.8.8.8", "10.9.9.9"},
		{"ipv6 trusted peer", "[2001:db8:ffff::1]:1", "", "203.0.113.4", "203.0.113.4"},
		{"mapped ipv4 hop", "10.0.0.1:1", "", "::ffff:203.0.113.8", "203.0.113.8"},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		if tc.fwd != "" {
			r.Header.Set("Forwarded", tc.fwd)
		}
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := ResolveClientIP(r, trusted); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestTraceparent: a valid version-00 traceparent gives the trace id;
// X-Trace-Id wins over it; malformed or all-zero ones are ignored.
func TestTraceparent(t *testing.T) {
	const tid = "4bf92f3577b34da6a3ce929d0e0e4736"
	cases := []struct{ xtrace, tp, want string }{
		{"", "00-" + tid + "-00f067aa0ba902b7-01", tid},
		{"mine", "00-" + tid + "-00f067aa0ba902b7-01", "mine"},
		{"", "01-" + tid + "-00f067aa0ba902b7-01", ""},
		{"", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", ""},
		{"", "00-" + tid + "-0000000000000000-01", ""},
		{"", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", ""},
		{"", "00-" + tid + "-00f067aa0ba902b7", ""},
	}
	for _, tc := range cases {
		var got string
		h := WithTrace(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = TraceID(r.Context()) }))
		r := httptest.NewRequest("GET", "/", nil)
		if tc.xtrace != "" {
			r.Header.Set("X-Trace-Id", tc.xtrace)
		}
		r.Header.Set("traceparent", tc.tp)
		h.ServeHTTP(httptest.NewRecorder(), r)
		if tc.want != "" && got != tc.want || tc.want == "" && (len(got) != 16 || got == tid) {
			t.Errorf("X-Trace-Id %q traceparent %q: trace id %q, want %q (or a fresh one)", tc.xtrace, tc.tp, got, tc.want)
		}
	}
}
