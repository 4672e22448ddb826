package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/config"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// everySurface sends traffic through every surface with real credentials:
// standard password login and refresh, iCredit login and refresh,
// Consinco and FormulaCerta logins, HDI authorize (key in the query
// string). It returns every response body.
func everySurface(t *testing.T, env *apptest.Env, header http.Header) []string {
	t.Helper()
	c := env.Creds
	var bodies []string
	keep := func(r *apptest.Response) *apptest.Response { bodies = append(bodies, string(r.Body)); return r }
	jsonH := http.Header{"Accept": {"application/json"}}
	for k, v := range header {
		jsonH[k] = v
	}
	std := credsOf(env)
	code, v := tokenCall(t, env, std, url.Values{"grant_type": {"password"}, "username": {c.AdminLogin}, "password": {c.AdminPass}})
	if code != 200 {
		t.Fatalf("standard login = %d %v", code, v)
	}
	b, _ := json.Marshal(v)
	bodies = append(bodies, string(b))
	_, v = refresh(t, env, std, v["refresh_token"].(string))
	b, _ = json.Marshal(v)
	bodies = append(bodies, string(b))

	login := `{"username":"` + c.AdminLogin + `","password":"` + c.AdminPass + `"}`
	r := keep(env.Post(t, "/icredit/api/v1/auth/login", "application/json", login, jsonH))
	var pair struct {
		RefreshToken string `json:"refresh_token"`
	}
	if json.Unmarshal(r.Body, &pair); r.Status != 200 || pair.RefreshToken == "" {
		t.Fatalf("icredit login = %d %s", r.Status, r.Body)
	}
	keep(env.Post(t, "/icredit/api/v1/auth/refresh", "application/json", `{"refresh_token":"`+pair.RefreshToken+`"}`, jsonH))
	keep(env.Post(t, "/consinco/api/v1/auth/login", "application/json",
		`{"company":"1","username":"`+c.AdminLogin+`","password":"`+c.AdminPass+`"}`, jsonH))
	keep(env.Post(t, "/formulacerta/api/v2/account/login", "application/json",
		`{"UserName":"`+c.AdminLogin+`","Password":"`+c.AdminPass+`"}`, jsonH))
	hdiH := http.Header{"X-Company-Id": {"01"}, "X-Application-Id": {"01"}, "X-User-Id": {"parceiro1"}}
	for k, v := range header {
		hdiH[k] = v
	}
	keep(env.Post(t, "/hdi/corporate/security/v1/authorize?key="+url.QueryEscape(c.HDIKey), "application/json",
		`{"applicationCode":"demo-app"}`, hdiH))
	return bodies
}

// credential matches token-like strings in response bodies: long runs of
// token characters (opaque tokens, JWTs, codes).
var credential = regexp.MustCompile(`[A-Za-z0-9_\-\.~+/=]{24,}`)

// TestAccessLog: one info line per request with trace id, surface, route
// pattern, status, duration, client id and bytes, and not one line
// holding an issued token, the client secret, the HDI key or a password
// (issue 14, acceptance 2). An incoming traceparent gives the trace id.
func TestAccessLog(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := apptest.Start(t, apptest.Options{Logger: logger, Configure: func(c *config.Config) { c.AccessLog = true }})
	const tid = "4bf92f3577b34da6a3ce929d0e0e4736"
	bodies := everySurface(t, env, http.Header{"Traceparent": {"00-" + tid + "-00f067aa0ba902b7-01"}})
	env.App.Audit.Flush()

	secrets := []string{env.Creds.AdminPass, env.Creds.ClientSecret, env.Creds.HDIKey, "key="}
	for _, b := range bodies {
		secrets = append(secrets, credential.FindAllString(b, -1)...)
	}
	logs := buf.String()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds %.12q…, a credential", s)
		}
	}
	surfaces := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil || e["msg"] != "request" {
			continue
		}
		surfaces[e["surface"].(string)] = true
		for _, k := range []string{"trace_id", "surface", "route", "status", "duration", "client_id", "bytes"} {
			if _, ok := e[k]; !ok {
				t.Errorf("access line lacks %s: %s", k, line)
			}
		}
		if e["level"] != "INFO" {
			t.Errorf("access line at level %v, want INFO", e["level"])
		}
		if e["surface"] != "standard" && e["trace_id"] != tid { // the dialect calls sent a traceparent
			t.Errorf("access line of %s: trace_id %v, want the traceparent's %s", e["surface"], e["trace_id"], tid)
		}
		if e["surface"] == "icredit" && e["client_id"] != "icredit-client" || e["surface"] == "standard" && e["client_id"] != env.Creds.ClientID {
			t.Errorf("client id of %s: %v", e["surface"], e["client_id"])
		}
	}
	for _, s := range []string{"standard", "icredit", "consinco", "formulacerta", "hdi"} {
		if !surfaces[s] {
			t.Errorf("no access line for surface %s", s)
		}
	}
}

// TestAccessLogOff: --access-log=false writes no request line.
func TestAccessLogOff(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := apptest.Start(t, apptest.Options{Logger: logger})
	get(t, env, "/healthz", nil)
	if strings.Contains(buf.String(), `"msg":"request"`) {
		t.Errorf("access log written while off: %s", buf.String())
	}
}

// TestMetricsEverySurface scrapes /metrics after traffic on every surface
// and finds the latency histogram of each, with route pattern and status
// class, and the build info.
func TestMetricsEverySurface(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	everySurface(t, env, nil)
	env.Clock.Advance(time.Hour)
	body := string(get(t, env, "/metrics", nil).Body)
	for _, want := range []string{
		`renova_http_request_duration_seconds_bucket{route="POST /oauth2/token",status_class="2xx",surface="standard",le="0.001"}`,
		`renova_http_request_duration_seconds_count{route="POST /icredit/api/v1/auth/login",status_class="2xx",surface="icredit"}`,
		`renova_http_request_duration_seconds_count{route="POST /icredit/api/v1/auth/refresh",status_class="2xx",surface="icredit"}`,
		`route="POST /consinco/api/v1/auth/login"`, `surface="consinco"`,
		`route="POST /formulacerta/api/v2/account/login"`, `surface="formulacerta"`,
		`route="POST /hdi/corporate/security/v1/authorize"`, `surface="hdi"`,
		`renova_build_info{`,
		`renova_signing_key_age_seconds{alg="ES256",state="current"} 3600`,
		`renova_store_operation_duration_seconds_count{op="rotate"}`,
		`renova_store_operation_duration_seconds_count{op="create_session"}`,
		`renova_store_operation_duration_seconds_bucket{op="rotate",le="0.0001"}`,
		`renova_db_pool_connections{pool="sqlite_writer",state="total"} 1`,
		`renova_db_pool_wait_total{pool="sqlite_writer"}`,
		`renova_db_pool_wait_seconds_total{pool="sqlite_reader"}`,
		`renova_audit_queue_depth `, `renova_audit_queue_capacity 4096`,
		`renova_audit_sync_writes_total 0`, `renova_audit_dropped_total 0`,
		`renova_db_size_bytes{file="wal"}`, `renova_sqlite_wal_truncations_total `, `renova_db_rows{table="refresh_tokens"}`,
		`renova_rotation_batches_total `, `renova_rotation_batched_total `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		for _, l := range strings.Split(body, "\n") {
			if strings.HasPrefix(l, "renova_http_request_duration_seconds_count") {
				t.Log(l)
			}
		}
	}
}

// TestMetricsAddr: with --metrics-addr, /metrics is served there only,
// and the main listener answers 404 for it.
func TestMetricsAddr(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // free again for the server; loopback ports are not reused at once
	cfg := serveConfig(t)
	cfg.MetricsAddr = addr
	s := serve(t, cfg)
	s.logs.waitFor(t, "metrics listening")
	fetch := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := fetch("http://" + s.addr + "/metrics"); code != http.StatusNotFound {
		t.Errorf("main listener /metrics = %d, want 404", code)
	}
	fetch("http://" + s.addr + "/healthz")
	code, body := fetch("http://" + addr + "/metrics")
	if code != 200 || !strings.Contains(body, `renova_http_request_duration_seconds_count{route="GET /healthz",status_class="2xx",surface="server"} 1`) {
		t.Errorf("metrics listener /metrics = %d, want 200 with the healthz request:\n%.2000s", code, body)
	}
}

// TestMetricsPostgres: on PostgreSQL the pool's statistics and the store
// latencies are scraped too.
func TestMetricsPostgres(t *testing.T) {
	env := apptest.Start(t, apptest.Options{DatabaseURL: apptest.PostgresURL(t)})
	rt := loginRT(t, env, credsOf(env))
	if code, v := refresh(t, env, credsOf(env), rt); code != 200 {
		t.Fatalf("refresh = %d %v", code, v)
	}
	body := string(get(t, env, "/metrics", nil).Body)
	for _, want := range []string{
		`renova_db_pool_connections{pool="postgres",state="total"}`,
		`renova_db_pool_wait_seconds_total{pool="postgres"}`,
		`renova_store_operation_duration_seconds_count{op="rotate"} 1`,
		`renova_db_size_bytes{file="database"}`,
		`renova_db_pool_connections{pool="postgres_rotations",state="total"} 1`,
		`renova_rotation_batches_total 1`, `renova_rotation_batched_total 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics on PostgreSQL lacks %s", want)
		}
	}
}
