package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestHealthcheck: exit 0 on a 200, 1 with the status on anything else, 1
// when nothing listens, and 1 when the answer takes longer than --timeout.
func TestHealthcheck(t *testing.T) {
	status := http.StatusOK
	var delay time.Duration
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		time.Sleep(delay)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	url := srv.URL + "/readyz"

	if out, errs, code := execute(t, testSecret, "healthcheck", "--url", url); code != 0 || out != "" {
		t.Errorf("healthy: %d, %q, %q", code, out, errs)
	}
	status = http.StatusServiceUnavailable
	if _, errs, code := execute(t, testSecret, "healthcheck", "--url", url); code != 1 || !strings.Contains(errs, "503") {
		t.Errorf("503: %d, %q", code, errs)
	}
	status, delay = http.StatusOK, 300*time.Millisecond
	if _, errs, code := execute(t, testSecret, "healthcheck", "--url", url, "--timeout", "50ms"); code != 1 {
		t.Errorf("slow answer past --timeout: %d, %q", code, errs)
	}
	srv.Close()
	if _, errs, code := execute(t, testSecret, "healthcheck", "--url", url); code != 1 || !strings.Contains(errs, "healthcheck") {
		t.Errorf("nothing listening: %d, %q", code, errs)
	}
}
