package hdi

import (
	"net/http"
	"testing"

	"github.com/renova-auth/renova/internal/httpx"
)

// FuzzDecode: whatever the body, decodeBody either decodes it or answers a
// 400 DecodeError; it never panics and never yields an internal error
// (PRODUCT.md §6, "decoders fuzzed").
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"applicationCode":"demo-app"}`,
		`{"codeToken":"rn_rt_x","applicationCode":"demo-app"}`,
		`{"token":"eyJ.a.b","codeToken":"eyJ.a.b","applicationCode":"x","extra":[1,{"a":null}]}`,
		`{"applicationCode":42}`, `[]`, `null`, `"x"`, ``, `{`, `{} {}`, `{"token":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := decodeBody(raw)
		if err == nil {
			if b == nil {
				t.Fatal("decodeBody returned neither a body nor an error")
			}
			_, _ = b.renewToken()
			return
		}
		if de := httpx.IsDecode(err); de == nil || de.Status != http.StatusBadRequest {
			t.Fatalf("decodeBody(%q) = %v, want a 400 DecodeError", raw, err)
		}
	})
}
