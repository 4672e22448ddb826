package apptest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// LegacyPrefix is the refresh-token prefix a LegacySystem shows its
// clients instead of renova's rn_rt_: a real legacy system never issues
// renova-format tokens, and renova never sends one upstream.
const LegacyPrefix = "old_rt_"

// LegacySystem is a renova playing the system a mount replaces (issue 15,
// acceptance 1): Env is the renova, URL the loopback address clients and
// the new renova's legacy= use. Between them a proxy rewrites rn_rt_ to
// LegacyPrefix in answers and back in requests, and counts the requests
// by path.
type LegacySystem struct {
	*Env
	URL   string
	calls sync.Map // path → *atomic.Int32
}

// StartLegacy starts a renova with opt behind the token-rewriting proxy.
func StartLegacy(t testing.TB, opt Options) *LegacySystem {
	t.Helper()
	l := &LegacySystem{Env: Start(t, opt)}
	target, err := url.Parse(l.Env.URL)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(r *http.Response) error {
		return rewrite(&r.Body, &r.ContentLength, r.Header, "rn_rt_", LegacyPrefix)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.counter(r.URL.Path).Add(1)
		if err := rewrite(&r.Body, &r.ContentLength, r.Header, LegacyPrefix, "rn_rt_"); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	l.URL = srv.URL
	return l
}

// Calls is how many requests reached path.
func (l *LegacySystem) Calls(path string) int { return int(l.counter(path).Load()) }

func (l *LegacySystem) counter(path string) *atomic.Int32 {
	c, _ := l.calls.LoadOrStore(path, new(atomic.Int32))
	return c.(*atomic.Int32)
}

// rewrite replaces from with to in a body.
func rewrite(body *io.ReadCloser, n *int64, h http.Header, from, to string) error {
	if *body == nil {
		return nil
	}
	b, err := io.ReadAll(*body)
	(*body).Close()
	if err != nil {
		return err
	}
	b = bytes.ReplaceAll(b, []byte(from), []byte(to))
	*body, *n = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	if h.Get("Content-Length") != "" {
		h.Set("Content-Length", strconv.Itoa(len(b)))
	}
	return nil
}
