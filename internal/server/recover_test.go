package server

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/httpx"
)

// TestRecovererHidesPanics: a panicking handler answers a generic JSON 500
// with the trace id; the panic value is logged, never sent.
func TestRecovererHidesPanics(t *testing.T) {
	var logs bytes.Buffer
	h := httpx.WithTrace(recoverer(slog.New(slog.NewTextHandler(&logs, nil)), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom: the database password is hunter2")
	})))
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/x", nil)
	req.Header.Set("X-Trace-Id", "trace-42")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || strings.TrimSpace(string(body)) != `{"error":"server_error"}` {
		t.Errorf("panicking handler = %d %s, want 500 server_error", resp.StatusCode, body)
	}
	if !strings.Contains(logs.String(), "hunter2") || !strings.Contains(logs.String(), "trace-42") {
		t.Errorf("the panic and its trace id are not in the log:\n%s", logs.String())
	}
}

// TestRecovererLetsAbortThrough: http.ErrAbortHandler is how a handler
// says "cut this response off"; the recoverer must not turn it into a
// complete-looking answer, or a client would take a truncated body for
// the whole of it.
func TestRecovererLetsAbortThrough(t *testing.T) {
	var logs bytes.Buffer
	srv := httptest.NewServer(recoverer(slog.New(slog.NewTextHandler(&logs, nil)), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"partial":`)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Errorf("aborted response read cleanly as %d %q; want the connection cut (unexpected EOF)", resp.StatusCode, body)
	}
	if logs.Len() != 0 {
		t.Errorf("an abort was logged as an internal error:\n%s", logs.String())
	}
}
