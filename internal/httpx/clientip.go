package httpx

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

type clientIPKey struct{}

// WithClientIP resolves the client address of every request once and keeps
// it in the request context, where Meta (and so throttling, audit and
// session records) reads it.
//
// Without trusted proxies the client is the socket peer, whatever the
// request's headers say. When the peer is inside one of trusted, the
// client is taken from the forwarding headers: Forwarded (RFC 7239, its
// for= parameters) when present, else X-Forwarded-For. The hops are read
// from the right, the one the nearest proxy appended, and the first hop
// that is not itself a trusted proxy is the client: every hop left of it
// was written by someone we do not trust and may be forged.
func WithClientIP(trusted []netip.Prefix, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := ResolveClientIP(r, trusted)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientIPKey{}, ip)))
	})
}

// ResolveClientIP returns the client address of r as WithClientIP decides
// it.
func ResolveClientIP(r *http.Request, trusted []netip.Prefix) string {
	peer := socketIP(r.RemoteAddr)
	addr, err := netip.ParseAddr(peer)
	if err != nil || !inAny(trusted, addr) {
		return peer
	}
	hops := forwardedFor(r.Header)
	if hops == nil {
		hops = xForwardedFor(r.Header)
	}
	client := addr
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			// An obfuscated or garbled hop ("unknown", "_hidden"): nothing
			// left of it can be attributed, so the last proxy we trust
			// stands for the client.
			break
		}
		client = hop
		if !inAny(trusted, hop) {
			break
		}
	}
	return client.String()
}

// ClientIP returns the client address WithClientIP stored in ctx, or "".
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// socketIP is the host part of a RemoteAddr.
func socketIP(remote string) string {
	ip, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return ip
}

func inAny(nets []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, n := range nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor returns the for= values of every Forwarded header, in
// order, or nil when there is none (RFC 7239 §4: elements separated by
// commas, pairs by semicolons, values optionally quoted).
func forwardedFor(h http.Header) []string {
	var out []string
	for _, line := range h.Values("Forwarded") {
		for _, elem := range strings.Split(line, ",") {
			v := ""
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					v = strings.Trim(val, `"`)
				}
			}
			out = append(out, v)
		}
	}
	return out
}

// xForwardedFor returns the hops of every X-Forwarded-For header, in order.
func xForwardedFor(h http.Header) []string {
	var out []string
	for _, line := range h.Values("X-Forwarded-For") {
		for _, hop := range strings.Split(line, ",") {
			out = append(out, strings.TrimSpace(hop))
		}
	}
	return out
}

// parseHop reads one hop: an IPv4 or IPv6 address, optionally bracketed
// and with a port ("192.0.2.1:80", "[2001:db8::1]:4711").
func parseHop(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
