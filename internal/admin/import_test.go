package admin_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestImportUsers streams an NDJSON import through the admin API: each
// line gets its own result in line order (a hash renova cannot verify and
// a repeated login fail alone), a summary ends the answer, the imported
// user logs in with the password its hash was made from, and the call is
// in the audit trail. Other media types are refused before anything is
// read.
func TestImportUsers(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		const pw = "imported passphrase 1"
		hash, err := bcrypt.GenerateFromPassword([]byte(pw), 4)
		if err != nil {
			t.Fatal(err)
		}
		lines := []string{
			`{"login":"ivy","email":"ivy@example.com","password_hash":"` + string(hash) + `"}`,
			`{"login":"md5user","password_hash":"5f4dcc3b5aa765d61d8327deb882cf99"}`,
			`{"login":"ivy"}`,
			`{"login":"nohash"}`,
		}
		path := "/admin/v1/tenants/demo/users/import"
		req, _ := http.NewRequest(http.MethodPost, e.URL+path, strings.NewReader(strings.Join(lines, "\n")+"\n"))
		req.Header.Set("Content-Type", "application/x-ndjson")
		req.Header.Set("Authorization", "Bearer "+e.admin)
		r := e.Do(t, req)
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("POST %s = %d %s %s", path, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		type result struct {
			Line    int    `json:"line"`
			Login   string `json:"login"`
			Status  string `json:"status"`
			Code    string `json:"code"`
			Summary *struct {
				Lines, Created, Failed int
			} `json:"summary"`
		}
		var got []result
		sc := bufio.NewScanner(bytes.NewReader(r.Body))
		for sc.Scan() {
			var x result
			if err := json.Unmarshal(sc.Bytes(), &x); err != nil {
				t.Fatalf("answer line %q: %v", sc.Text(), err)
			}
			got = append(got, x)
		}
		want := []result{
			{Line: 1, Login: "ivy", Status: "created"},
			{Line: 2, Login: "md5user", Status: "error", Code: "unsupported_hash_format"},
			{Line: 3, Login: "ivy", Status: "error", Code: "duplicate_login"},
			{Line: 4, Login: "nohash", Status: "created"},
		}
		if len(got) != len(want)+1 {
			t.Fatalf("answer = %s, want %d results and a summary", r.Body, len(want))
		}
		for i, w := range want {
			if g := got[i]; g.Line != w.Line || g.Login != w.Login || g.Status != w.Status || g.Code != w.Code || g.Summary != nil {
				t.Errorf("result %d = %+v, want %+v", i, g, w)
			}
		}
		if s := got[len(want)].Summary; s == nil || s.Lines != 4 || s.Created != 2 || s.Failed != 2 {
			t.Errorf("summary = %s, want 4 lines, 2 created, 2 failed", r.Body)
		}

		form := url.Values{"grant_type": {"password"}, "username": {"ivy"}, "password": {pw}}
		if r, _ := e.grant(t, e.Creds.ClientID, e.Creds.ClientSecret, form); r.Status != http.StatusOK {
			t.Errorf("password grant of the imported user = %d %s", r.Status, r.Body)
		}
		var audit struct {
			Items []struct {
				Action, Outcome, Actor string
			} `json:"items"`
		}
		e.App.Audit.Flush()
		e.do(t, "GET", "/admin/v1/audit?action=admin.user.imported", "", 200, &audit)
		if len(audit.Items) != 1 || audit.Items[0].Outcome != "success" || audit.Items[0].Actor != e.Creds.AdminClientID {
			t.Errorf("audit of the import = %+v, want one success by %s", audit.Items, e.Creds.AdminClientID)
		}

		wantProblem(t, "JSON body", e.call(t, "POST", path, e.admin, lines[0]), 415, "unsupported-media-type", "Content-Type")
		var users struct {
			Items []struct{ Login string } `json:"items"`
		}
		e.do(t, "GET", "/admin/v1/tenants/demo/users?q=md5user", "", 200, &users)
		if len(users.Items) != 0 {
			t.Errorf("the refused line's user exists: %+v", users.Items)
		}
	})
}
