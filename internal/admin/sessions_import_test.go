package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestImportSessions adopts exported legacy sessions through the admin
// API (issue 15): the imported token then rotates at its client like any
// token; a line naming another tenant's client imports nothing, and a
// tenant admin cannot import into another tenant.
func TestImportSessions(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.do(t, "POST", "/admin/v1/tenants", `{"slug":"acme"}`, 201, nil)
		var acme struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		}
		e.do(t, "POST", "/admin/v1/tenants/acme/clients",
			`{"client_id":"acme-admin","grants":["client_credentials"],"scopes":["renova:admin"]}`, 201, &acme)
		importAs := func(token, tenant, body string) (int, string) {
			req, _ := http.NewRequest(http.MethodPost, e.URL+"/admin/v1/tenants/"+tenant+"/sessions/import", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-ndjson")
			req.Header.Set("Authorization", "Bearer "+token)
			r := e.Do(t, req)
			return r.Status, string(r.Body)
		}
		good := `{"refresh_token":"legacy-token-one","user":"admin","client":"` + e.Creds.ClientID + `"}` + "\n" +
			`{"refresh_token":"legacy-token-two","user":"newcomer","client":"` + e.Creds.ClientID + `"}` + "\n"
		foreign := `{"refresh_token":"legacy-token-three","user":"admin","client":"acme-admin"}` + "\n"

		if st, body := importAs(e.admin, "demo", good+foreign); st != 400 || !strings.Contains(body, "line 3") {
			t.Errorf("import with another tenant's client = %d %s, want 400 naming line 3", st, body)
		}
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"legacy-token-one"}}
		if r, _ := e.grant(t, e.Creds.ClientID, e.Creds.ClientSecret, form); r.Status != 400 {
			t.Errorf("refresh after the refused import = %d %s, want 400: nothing was imported", r.Status, r.Body)
		}
		if st, body := importAs(e.token(t, acme.ClientID, acme.ClientSecret, ""), "demo", good); st != 404 {
			t.Errorf("acme's admin importing into demo = %d %s, want 404", st, body)
		}
		if st, body := importAs(e.admin, "demo", good); st != 200 || body != `{"imported":2,"expired":0,"duplicates":0}`+"\n" {
			t.Fatalf("import = %d %s", st, body)
		}
		if st, body := importAs(e.admin, "demo", good); st != 200 || !strings.Contains(body, `"duplicates":2`) {
			t.Errorf("second import = %d %s, want 2 duplicates", st, body)
		}
		for _, tok := range []string{"legacy-token-one", "legacy-token-two"} {
			form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok}}
			if r, next := e.grant(t, e.Creds.ClientID, e.Creds.ClientSecret, form); r.Status != 200 || !strings.HasPrefix(next, "rn_rt_") {
				t.Errorf("refresh with imported %s = %d %s", tok, r.Status, r.Body)
			}
		}
	})
}
