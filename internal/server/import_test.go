package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/password"
)

// importFormats are users of each hash format and their passwords, made
// by tools independent of golang.org/x/crypto (internal/password/
// formats_test.go says how); Firebase's is github.com/firebase/scrypt's
// published example.
var importFormats = []struct{ name, line, pw string }{
	{"argon2id", `"password_hash":"$argon2id$v=19$m=256,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$oYf1wWNLuBC3I0OQVCR1UU28VHiMB2iJLHirr4rrJmU"`, "correct horse battery"},
	{"bcrypt", `"password_hash":"$2y$05$ABCDEFGHIJKLMNOPQRSTUuDyBlISSAGNGitxXMC6JMYeCBaTqRY0W"`, "correct horse battery"},
	{"django", `"password_hash":"pbkdf2_sha256$20000$Qx7PmS2kA9vL$qf1UHd8YYyxTzRFl1PC5sqGE3nyHRP9GMRr4+OAhBwA="`, "correct horse battery"},
	{"keycloak", `"keycloak_credential":{"type":"password","secretData":"{\"value\":\"606r8RcBkdufjkXpiUI1ijW/sXBLx0z7ruasCcMlM2E3c4PxQrzwq0AGl/s4LULwG/mU/8I4bzamVqRzHqoCfw==\",\"salt\":\"AQIDBAUGBwgJCgsMDQ4PEA==\"}","credentialData":"{\"hashIterations\":30000,\"algorithm\":\"pbkdf2-sha512\"}"}`, "correct horse battery"},
	{"firebase", `"firebase_scrypt":{"hash":"lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==","salt":"42xEC+ixf3L2lw=="}`, "user1password"},
}

const firebaseOptions = `{"import_options":{"firebase_scrypt":{"signer_key":"jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==","salt_separator":"Bw==","rounds":8,"mem_cost":14}}}`

// TestImportedUsersLogIn (issue 13, acceptance 2): users of every imported
// format log in through the password grant and through iCredit's login,
// on SQLite and PostgreSQL, and their stored hash is argon2id afterwards.
func TestImportedUsersLogIn(t *testing.T) {
	for _, backend := range []struct{ name, url string }{{"sqlite", ""}, {"postgres", "postgres"}} {
		t.Run(backend.name, func(t *testing.T) {
			opt := apptest.Options{}
			if backend.url != "" {
				opt.DatabaseURL = apptest.PostgresURL(t)
			}
			env := apptest.Start(t, opt)
			ctx := context.Background()
			tenant, err := env.App.Store.TenantBySlug(ctx, "demo")
			if err != nil {
				t.Fatal(err)
			}
			lines := []string{firebaseOptions}
			for _, f := range importFormats {
				for _, surface := range []string{"grant", "icredit"} {
					lines = append(lines, fmt.Sprintf(`{"login":"%s-%s",%s}`, f.name, surface, f.line))
				}
			}
			sum, err := env.App.Svc.ImportUsers(ctx, tenant.ID, strings.NewReader(strings.Join(lines, "\n")), func(r auth.ImportResult) error {
				if r.Status != auth.ImportCreated {
					t.Errorf("import line %d = %+v", r.Line, r)
				}
				return nil
			})
			if err != nil || sum.Created != 2*len(importFormats) {
				t.Fatalf("ImportUsers = %+v, %v", sum, err)
			}
			for _, f := range importFormats {
				passwordGrant(t, env, f.name+"-grant", f.pw)
				icreditLogin(t, env, f.name+"-icredit", f.pw)
				for _, login := range []string{f.name + "-grant", f.name + "-icredit"} {
					u, err := env.App.Store.UserByLogin(ctx, tenant.ID, login)
					if err != nil || password.Format(u.PasswordHash) != "argon2id" || strings.Contains(u.PasswordHash, "m=256,t=3,p=2") {
						t.Errorf("%s's stored hash after login = %q, %v; want a fresh argon2id hash", login, u.PasswordHash, err)
					}
				}
				passwordGrant(t, env, f.name+"-icredit", f.pw) // and again, now on argon2id
			}
		})
	}
}

// passwordGrant logs user in through /oauth2/token and wants 200.
func passwordGrant(t *testing.T, env *apptest.Env, user, pw string) {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}}
	req, err := http.NewRequest(http.MethodPost, env.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(env.Creds.ClientID, env.Creds.ClientSecret)
	if resp := env.Do(t, req); resp.Status != http.StatusOK || !strings.Contains(string(resp.Body), `"access_token"`) {
		t.Errorf("password grant of %s = %d %s, want 200 with tokens", user, resp.Status, resp.Body)
	}
}

// icreditLogin logs user in through iCredit's login and wants 200.
func icreditLogin(t *testing.T, env *apptest.Env, user, pw string) {
	t.Helper()
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, user, pw)
	resp := env.Post(t, "/icredit/api/v1/auth/login", "application/json", body, nil)
	if resp.Status != http.StatusOK || !strings.Contains(string(resp.Body), `"refresh_token"`) {
		t.Errorf("iCredit login of %s = %d %s, want 200 with tokens", user, resp.Status, resp.Body)
	}
}
