package cli

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// clientJSON is the --json shape of a client.
type clientJSON struct {
	ID          string   `json:"client_id"`
	Name        string   `json:"name"`
	Public      bool     `json:"public"`
	Grants      []string `json:"grants"`
	Scopes      []string `json:"scopes"`
	Alg         string   `json:"alg"`
	AccessTTL   string   `json:"access_ttl"`
	IdleTTL     string   `json:"idle_ttl"`
	AbsoluteTTL string   `json:"absolute_ttl"`
	Grace       string   `json:"grace"`
}

// createdJSON is what client create --json prints: the admin API's
// client with the secret and key shown once beside its fields.
type createdJSON struct {
	clientJSON
	Secret string `json:"client_secret"`
	APIKey string `json:"api_key"`
}

// TestClientCreate: a confidential client's secret and a partner API key
// are shown once, on stderr in table mode so they stay out of piped
// output; defaults and flags reach the stored client; bad settings are
// refused.
func TestClientCreate(t *testing.T) {
	db := newDB(t)
	mustRun(t, db, "tenant", "create", "acme")
	app := openApp(t, db, nil)
	ctx := context.Background()

	out, errs, code := run(t, db, "client", "create", "--tenant", "acme", "--api-key")
	secret := regexp.MustCompile(`client secret \(shown once\): (rn_cs_\S+)`).FindStringSubmatch(errs)
	key := regexp.MustCompile(`partner API key \(shown once\): (rn_ak_\S+)`).FindStringSubmatch(errs)
	if code != 0 || secret == nil || key == nil || strings.Contains(out, "rn_cs_") || strings.Contains(out, "rn_ak_") {
		t.Fatalf("client create --api-key = %d, stdout %q, stderr %q; want the secret and key on stderr only", code, out, errs)
	}
	id := strings.Fields(strings.Split(strings.TrimSpace(out), "\n")[1])[0]
	if !strings.HasPrefix(id, "cli_") {
		t.Errorf("generated client id %q, want cli_…", id)
	}
	if c, err := app.Svc.AuthenticateClient(ctx, id, secret[1], true); err != nil || c.ID != id {
		t.Errorf("AuthenticateClient with the printed secret = %v, %v", c, err)
	}
	if c, err := app.Svc.ClientByAPIKey(ctx, key[1]); err != nil || c.ID != id {
		t.Errorf("ClientByAPIKey with the printed key = %v, %v", c, err)
	}

	var conf createdJSON
	runJSON(t, db, &conf, "client", "create", "web", "--tenant", "acme", "--name", "Web app")
	want := clientJSON{ID: "web", Name: "Web app", Grants: []string{"password", "refresh_token", "client_credentials"},
		Scopes: []string{"openid", "profile"}, Alg: "ES256", AccessTTL: "15m0s", IdleTTL: "720h0m0s", AbsoluteTTL: "2160h0m0s", Grace: "10s"}
	if !equalClient(conf.clientJSON, want) || !strings.HasPrefix(conf.Secret, "rn_cs_") || conf.APIKey != "" {
		t.Errorf("client create web --json = %+v; want the defaults %+v, a secret and no API key", conf, want)
	}

	var spa createdJSON
	runJSON(t, db, &spa, "client", "create", "spa", "--tenant", "acme", "--public", "--grants", "password,refresh_token",
		"--scopes", "openid", "--alg", "EdDSA", "--access-ttl", "5m", "--idle-ttl", "1h", "--absolute-ttl", "24h", "--grace", "0s",
		"--app-code", "app-1", "--dialects", "icredit")
	want = clientJSON{ID: "spa", Public: true, Grants: []string{"password", "refresh_token"}, Scopes: []string{"openid"},
		Alg: "EdDSA", AccessTTL: "5m0s", IdleTTL: "1h0m0s", AbsoluteTTL: "24h0m0s", Grace: "0s"}
	if !equalClient(spa.clientJSON, want) || spa.Secret != "" {
		t.Errorf("client create spa --public --json = %+v; want %+v and no secret", spa, want)
	}
	if c, _ := app.Store.GetClient(ctx, "spa"); c.AppCode != "app-1" || !slices.Equal(c.Dialects, []string{"icredit"}) {
		t.Errorf("spa as stored: app code %q, dialects %v", c.AppCode, c.Dialects)
	}

	failRun(t, db, `client "web" already exists`, "client", "create", "web", "--tenant", "acme")
	failRun(t, db, "a public client cannot use client_credentials", "client", "create", "p", "--tenant", "acme", "--public", "--grants", "client_credentials")
	failRun(t, db, `grant "implicit"`, "client", "create", "p", "--tenant", "acme", "--grants", "implicit")
	failRun(t, db, `signing algorithm "HS256"`, "client", "create", "p", "--tenant", "acme", "--alg", "HS256")
	failRun(t, db, `invalid argument "soon"`, "client", "create", "p", "--tenant", "acme", "--access-ttl", "soon")
	failRun(t, db, `tenant "ghost"`, "client", "create", "p", "--tenant", "ghost")
}

func equalClient(a, b clientJSON) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Public == b.Public && slices.Equal(a.Grants, b.Grants) &&
		slices.Equal(a.Scopes, b.Scopes) && a.Alg == b.Alg && a.AccessTTL == b.AccessTTL && a.IdleTTL == b.IdleTTL &&
		a.AbsoluteTTL == b.AbsoluteTTL && a.Grace == b.Grace
}

// TestClientListAndRevokeKey: list shows a tenant's clients without any
// secret; revoke-key makes the partner key unknown at once.
func TestClientListAndRevokeKey(t *testing.T) {
	db := newDB(t)
	mustRun(t, db, "tenant", "create", "acme")
	mustRun(t, db, "tenant", "create", "other")
	var partner createdJSON
	runJSON(t, db, &partner, "client", "create", "partner", "--tenant", "acme", "--api-key")
	mustRun(t, db, "client", "create", "spa", "--tenant", "acme", "--public")
	mustRun(t, db, "client", "create", "elsewhere", "--tenant", "other")

	var list []clientJSON
	runJSON(t, db, &list, "client", "list", "--tenant", "acme")
	ids := []string{}
	for _, c := range list {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"partner", "spa"}) {
		t.Errorf("client list --tenant acme = %v, want partner and spa", ids)
	}
	for _, args := range [][]string{{"client", "list", "--tenant", "acme"}, {"client", "list", "--tenant", "acme", "--json"}} {
		out := mustRun(t, db, args...)
		if strings.Contains(out, partner.Secret) || strings.Contains(out, partner.APIKey) || strings.Contains(strings.ToLower(out), "hash") {
			t.Errorf("renova %s shows a secret:\n%s", strings.Join(args, " "), out)
		}
	}
	if out := mustRun(t, db, "client", "list", "--tenant", "acme"); !strings.HasPrefix(strings.Join(strings.Fields(out), " "), "CLIENT_ID PUBLIC GRANTS ALG ACCESS_TTL GRACE") {
		t.Errorf("client list header:\n%s", out)
	}

	app := openApp(t, db, nil)
	if _, err := app.Svc.ClientByAPIKey(context.Background(), partner.APIKey); err != nil {
		t.Fatalf("the new key: %v", err)
	}
	if out := mustRun(t, db, "client", "revoke-key", "partner"); strings.TrimSpace(out) != "API key of partner revoked" {
		t.Errorf("revoke-key printed %q", out)
	}
	if _, err := app.Svc.ClientByAPIKey(context.Background(), partner.APIKey); err == nil {
		t.Error("the revoked key still authenticates")
	}
	failRun(t, db, `client "ghost"`, "client", "revoke-key", "ghost")
}

// TestClientCreateBrowserFlags: the browser sign-in settings (issue 12)
// reach the stored client and the --json view.
func TestClientCreateBrowserFlags(t *testing.T) {
	db := newDB(t)
	var got struct {
		Client struct {
			RedirectURIs   []string `json:"redirect_uris"`
			PostLogoutURIs []string `json:"post_logout_redirect_uris"`
			Origins        []string `json:"origins"`
		}
	}
	mustRun(t, db, "tenant", "create", "demo")
	runJSON(t, db, &got.Client, "client", "create", "web", "--redirect-uris", "https://app.example/cb,http://127.0.0.1/cb",
		"--post-logout-uris", "https://app.example/bye", "--origins", "https://app.example")
	redirect, logout, origins := []string{"https://app.example/cb", "http://127.0.0.1/cb"}, []string{"https://app.example/bye"}, []string{"https://app.example"}
	if !slices.Equal(got.Client.RedirectURIs, redirect) || !slices.Equal(got.Client.PostLogoutURIs, logout) || !slices.Equal(got.Client.Origins, origins) {
		t.Errorf("client create --json = %+v, want redirect %v, post-logout %v, origins %v", got.Client, redirect, logout, origins)
	}
	c, err := openApp(t, db, nil).Store.GetClient(context.Background(), "web")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.RedirectURIs, redirect) || !slices.Equal(c.PostLogoutURIs, logout) || !slices.Equal(c.Origins, origins) {
		t.Errorf("stored client: redirect %v, post-logout %v, origins %v; want %v, %v, %v", c.RedirectURIs, c.PostLogoutURIs, c.Origins, redirect, logout, origins)
	}
}
