package admin_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/admin"
)

// TestOpenAPICoversRoutes: docs/openapi/admin.json documents exactly the
// routes the surface serves, method by method, and each operation lists
// the problem answers every admin call can give (401, 403, 500).
func TestOpenAPICoversRoutes(t *testing.T) {
	b, err := os.ReadFile("../../docs/openapi/admin.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                                                   `json:"openapi"`
		Paths   map[string]map[string]struct{ Responses map[string]any } `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	routes := admin.New(nil, nil).Routes()
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			documented[key] = true
			if _, ok := routes[key]; !ok {
				t.Errorf("the document has %s, which the surface does not serve", key)
			}
			for _, code := range []string{"401", "403", "500"} {
				if _, ok := op.Responses[code]; !ok {
					t.Errorf("%s documents no %s answer", key, code)
				}
			}
		}
	}
	var missing []string
	for key := range routes {
		if !documented[key] {
			missing = append(missing, key)
		}
	}
	slices.Sort(missing)
	for _, key := range missing {
		t.Errorf("route %s is not in docs/openapi/admin.json", key)
	}
}
