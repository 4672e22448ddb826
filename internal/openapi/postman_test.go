package openapi_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	docs "github.com/renova-auth/renova/docs/openapi"
	"github.com/renova-auth/renova/internal/openapi"
)

// postmanDir holds the generated collections.
const postmanDir = "../../docs/postman"

// TestPostmanInSync regenerates the collection of every document and
// compares it with the checked-in file, and refuses a collection without
// a document.
func TestPostmanInSync(t *testing.T) {
	for _, name := range docs.Names() {
		raw, err := docs.Raw(name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := openapi.Postman(raw)
		if err != nil {
			t.Fatalf("Postman(%s) = %v", name, err)
		}
		want, err := os.ReadFile(filepath.Join(postmanDir, name+".postman_collection.json"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("docs/postman/%s.postman_collection.json is not what docs/openapi/%s.json generates (%v); run go run ./internal/openapi/postman", name, name, err)
		}
	}
	files, err := filepath.Glob(filepath.Join(postmanDir, "*.postman_collection.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !slices.Contains(docs.Names(), strings.TrimSuffix(filepath.Base(f), ".postman_collection.json")) {
			t.Errorf("%s has no document in docs/openapi", f)
		}
	}
}

// TestPostmanChains: a collection sends what earlier answers set
// (x-postman-set), each format of a body is its own request, and the
// security schemes become Postman auth.
func TestPostmanChains(t *testing.T) {
	col := collection(t, "hdi")
	byName := map[string]openapi.Item{}
	for _, it := range col.Item {
		byName[it.Name] = it
	}
	if b := byName["token"].Request.Body; b == nil || !strings.Contains(b.Raw, `"codeToken": "{{codeToken}}"`) {
		t.Errorf("hdi token body = %+v, want codeToken from the authorize answer", b)
	}
	if b := byName["tokenrenew"].Request.Body; b == nil || !strings.Contains(b.Raw, `"token": "{{token}}"`) {
		t.Errorf("hdi tokenrenew body = %+v, want token from the token answer", b)
	}
	fc := collection(t, "formulacerta")
	var names []string
	for _, it := range fc.Item {
		names = append(names, it.Name)
	}
	want := []string{"login (JSON)", "login (XML)", "login (form)", "refreshToken (JSON)", "refreshToken (XML)", "refreshToken (form)"}
	if !slices.Equal(names, want) {
		t.Errorf("formulacerta items %v, want %v", names, want)
	}
	if b := fc.Item[4].Request.Body; b == nil || b.Mode != "raw" || !strings.HasPrefix(b.Raw, "<AccessTokenBindingModel") {
		t.Errorf("formulacerta XML refresh body = %+v, want the seed's XML sample", b)
	}
	if b := fc.Item[5].Request.Body; b == nil || b.Mode != "urlencoded" || b.URLEncoded[1] != (openapi.KV{Key: "AccessTokenRefresh", Value: "{{AccessTokenRefresh}}"}) {
		t.Errorf("formulacerta form refresh body = %+v, want the refresh token the login set", b)
	}
	std := collection(t, "standard")
	if a := std.Item[0].Request.Auth; std.Item[0].Name != "token" || a == nil || a.Type != "basic" {
		t.Errorf("standard token item %s auth %+v, want HTTP Basic", std.Item[0].Name, a)
	}
}

// collection generates and decodes the collection of a document.
func collection(t *testing.T, name string) openapi.Collection {
	t.Helper()
	raw, err := docs.Raw(name)
	if err != nil {
		t.Fatal(err)
	}
	out, err := openapi.Postman(raw)
	if err != nil {
		t.Fatal(err)
	}
	var c openapi.Collection
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatal(err)
	}
	return c
}
