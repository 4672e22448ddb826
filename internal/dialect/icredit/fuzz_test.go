package icredit

import (
	"net/http"
	"testing"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// FuzzDecode feeds arbitrary bodies to every endpoint's decoder (PRODUCT.md
// §6: decoders fuzzed). A decoder may accept or refuse a body, but never
// panic, and a refusal is always a 400 DecodeError, never an internal
// error; an accepted body always carries its required fields. Normal runs
// use only the seed corpus; fuzz with
// go test ./internal/dialect/icredit/ -run '^$' -fuzz FuzzDecode -fuzztime 30s.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		"", " ", "null", "{}", "[]", `"x"`, "1", "{", `{"refresh_token":"{{refreshToken}}"}`,
		`{"refresh_token":12345}`, `{"refresh_token":null}`, `{"refresh_token":"a","extra":[1,{"b":2}]}`,
		`{"email":"ana@demo.invalid","password":"correct-horse-1"}`, `{"username":"ana","email":"ana","password":"x"}`,
		`{"current_password":"a","new_password":"bbbbbbbb"}`, `{"new_password":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"}`,
		"{\"refresh_token\":\"\xff\xfe\"}", `{"refresh_token":"x"} trailing`, `{"Refresh_Token":"x"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(name string, err error) {
			if err == nil {
				return
			}
			de := httpx.IsDecode(err)
			if de == nil || de.Status != http.StatusBadRequest || de.Problem == "" {
				t.Fatalf("%s(%q) = %v, want nil or a 400 DecodeError", name, body, err)
			}
		}
		l, err := parseLogin(body)
		check("parseLogin", err)
		if err == nil && (l.identifier() == "" || l.Password == "") {
			t.Fatalf("parseLogin(%q) accepted %+v without its required fields", body, l)
		}
		r, err := parseRefresh(body)
		check("parseRefresh", err)
		if err == nil && r.RefreshToken == "" {
			t.Fatalf("parseRefresh(%q) accepted an empty refresh_token", body)
		}
		_, err = parseLogout(body)
		check("parseLogout", err)
		p, err := parsePassword(body, auth.DefaultMinPasswordLen)
		check("parsePassword", err)
		if err == nil && (p.CurrentPassword == "" || p.NewPassword == p.CurrentPassword) {
			t.Fatalf("parsePassword(%q) accepted %+v", body, p)
		}
	})
}
