package legacy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestCallerFaults: every misbehaviour of the legacy system is classified
// as rejected (an answer: 4xx) or unavailable (a fault), and no error
// message carries the body it was sent or answered.
func TestCallerFaults(t *testing.T) {
	block := make(chan struct{})
	var other *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"a":1}`)) })
	mux.HandleFunc("/401", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "secret-answer", http.StatusUnauthorized) })
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "secret-answer", http.StatusInternalServerError)
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/ok", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(strings.Repeat("x", MaxBody+1))) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(block) }) // runs first: releases /slow before Close waits for it
	reached := 0
	other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached++ }))
	t.Cleanup(other.Close)
	down := downURL(t)

	cases := []struct {
		name, base, path string
		want             error
	}{
		{"ok", srv.URL, "/ok", nil},
		{"4xx", srv.URL, "/401", ErrRejected},
		{"5xx", srv.URL, "/500", ErrUnavailable},
		{"redirect", srv.URL, "/redirect", ErrUnavailable},
		{"huge", srv.URL, "/huge", ErrUnavailable},
		{"slow", srv.URL, "/slow", ErrUnavailable},
		{"down", down, "/ok", ErrUnavailable},
	}
	for _, tc := range cases {
		cfg, err := Parse(map[string]string{"legacy": tc.base, "legacy_timeout": "200ms"})
		if err != nil {
			t.Fatal(err)
		}
		body, err := NewCaller(cfg, nil).Do(context.Background(), Request{Method: "POST", Path: tc.path, Body: []byte("the-password")})
		if !errors.Is(err, tc.want) || (tc.want == nil && string(body) != `{"a":1}`) {
			t.Errorf("Do(%s) = %q, %v; want %v", tc.name, body, err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), "secret-answer") || strings.Contains(err.Error(), "the-password")) {
			t.Errorf("Do(%s) error %q carries a body", tc.name, err)
		}
	}
	if reached != 0 {
		t.Errorf("the redirect target was reached %d times, want 0", reached)
	}
}

// downURL returns a loopback URL where nothing listens.
func downURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

// TestGarbage: a wrong shape is a fault, never a dead token.
func TestGarbage(t *testing.T) {
	err := Garbage("no access_token")
	if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrRejected) {
		t.Errorf("Garbage = %v, want ErrUnavailable only", err)
	}
}

// TestCallerQuery: the query reaches the legacy system and is never named
// in an error (HDI's partner key travels there), whatever the outcome.
func TestCallerQuery(t *testing.T) {
	got := make(chan string, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.Query().Get("key")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	for name, base := range map[string]string{"5xx": srv.URL, "down": downURL(t)} {
		cfg, err := Parse(map[string]string{"legacy": base, "legacy_timeout": "2s"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = NewCaller(cfg, nil).Do(context.Background(), Request{Method: "POST", Path: "/p", Query: url.Values{"key": {"partner-key-1"}}})
		if !errors.Is(err, ErrUnavailable) || strings.Contains(err.Error(), "partner-key-1") {
			t.Errorf("Do(%s) = %v, want ErrUnavailable without the key", name, err)
		}
	}
	if k := <-got; k != "partner-key-1" {
		t.Errorf("the legacy system got key %q, want partner-key-1", k)
	}
}
