package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/config"
)

// TestAdminAddr: with --admin-addr the admin API (and its OpenAPI document) leaves the main listener
// (a JSON 404 there) and is served by AdminHandler alone, which answers
// nothing else; without it, the main listener serves it.
func TestAdminAddr(t *testing.T) {
	get := func(h http.Handler, path string) int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w.Code
	}
	apart := apptest.Start(t, apptest.Options{Configure: func(c *config.Config) { c.AdminAddr = "127.0.0.1:0" }})
	main, err := apart.App.Handler(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	adm, err := apart.App.AdminHandler()
	if err != nil {
		t.Fatal(err)
	}
	together := apptest.Start(t, apptest.Options{})
	mainToo, err := together.App.Handler(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		h    http.Handler
		path string
		want int
	}{
		{"main listener, admin apart", main, "/admin/v1/tenants", 404},
		{"admin listener", adm, "/admin/v1/tenants", 401},
		{"admin listener, token endpoint", adm, "/oauth2/jwks", 404},
		{"main listener, admin together", mainToo, "/admin/v1/tenants", 401},
		{"admin listener, its document", adm, "/openapi/admin.json", 200},
		{"main listener, admin document apart", main, "/openapi/admin.json", 404},
		{"main listener, admin document together", mainToo, "/openapi/admin.json", 200},
	}
	for _, tc := range cases {
		if got := get(tc.h, tc.path); got != tc.want {
			t.Errorf("%s: GET %s = %d, want %d", tc.name, tc.path, got, tc.want)
		}
	}
}
