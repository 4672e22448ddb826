package hdi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
)

// answer is the part of a response a partner can compare: status, the
// headers the golden transcripts keep, and the body with its volatile
// values normalised.
func answer(resp *apptest.Response) string {
	var b strings.Builder
	b.WriteString(http.StatusText(resp.Status) + "\n")
	for _, h := range []string{"Content-Type", "Cache-Control", "Retry-After", "X-Trace-Id"} {
		b.WriteString(h + ": " + resp.Header.Get(h) + "\n")
	}
	b.WriteString(string(resp.Body))
	return normalizeHDI(apptest.Normalize(b.String()))
}

// claimNames is the sorted key set of tok's claims.
func claimNames(t *testing.T, tok string) []string {
	_, c := segments(t, tok)
	var ks []string
	for k := range c {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// userCount is the number of users of the demo tenant.
func userCount(t *testing.T, p partner) int {
	t.Helper()
	ctx := context.Background()
	ten, err := p.env.App.Svc.TenantBySlug(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	us, err := p.env.App.Store.ListUsers(ctx, ten.ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(us)
}

// TestNoEnumeration: issue 14, "HDI lets a partner key enumerate local
// accounts". X-User-Id naming a local account (the admin), another
// partner's user, or nobody gets the same answers at every step (status,
// headers, body shape, claim set), the same work (one user created), and
// a user of the partner's own: never the local account.
func TestNoEnumeration(t *testing.T) {
	backends(t, func(t *testing.T, opt apptest.Options) {
		p := newPartner(t, opt)
		ctx := context.Background()
		other, err := p.env.App.Svc.PartnerUser(ctx, userTenant(t, p), "other-partner", "55566677788", func() error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{
			"unknown id":             "12345678900",
			"local account (login)":  p.env.Creds.AdminLogin,
			"another partner's user": "55566677788",
		}
		var want struct{ authorize, token, renew string }
		var wantClaims []string
		for name, id := range ids {
			q := p
			q.user = id
			before := userCount(t, q)
			a := q.post(t, "authorize", appCode(&q))
			if a.Status != http.StatusOK {
				t.Fatalf("%s: authorize = %d %s, want 200", name, a.Status, a.Body)
			}
			if n := userCount(t, q); n != before+1 {
				t.Errorf("%s: authorize created %d users, want 1 (the same work for every id)", name, n-before)
			}
			tr := q.exchange(t, field(t, a, "codeToken"))
			if tr.Status != http.StatusOK {
				t.Fatalf("%s: token = %d %s, want 200", name, tr.Status, tr.Body)
			}
			tok := field(t, tr, "token")
			u, err := p.env.App.Svc.User(ctx, claim(t, tok, "sub").(string))
			if err != nil {
				t.Fatal(err)
			}
			if !u.External || u.Attributes[auth.AttrPartner] != "hdi-client" || u.ID == other.ID || u.Login == id {
				t.Errorf("%s: the JWT is of user %+v, want an external user of hdi-client's own", name, *u)
			}
			if got := claim(t, tok, "user").([]any); len(got) != 1 || got[0] != id {
				t.Errorf("%s: user claim = %v, want [%s]", name, got, id)
			}
			if roles := claim(t, tok, "roles").([]any); len(roles) != 0 {
				t.Errorf("%s: roles = %v, want none", name, roles)
			}
			q.env.Clock.Advance(time.Minute)
			rn := q.renew(t, tok)
			if rn.Status != http.StatusOK {
				t.Fatalf("%s: tokenrenew = %d %s, want 200", name, rn.Status, rn.Body)
			}
			got := struct{ authorize, token, renew string }{answer(a), answer(tr), answer(rn)}
			if want.authorize == "" {
				want, wantClaims = got, claimNames(t, tok)
				continue
			}
			if got != want || !slices.Equal(claimNames(t, tok), wantClaims) {
				t.Errorf("%s: answers differ from another id's:\n%+v\nwant\n%+v", name, got, want)
			}
		}
		// A second authorize of each id finds the same user, creating none.
		for name, id := range ids {
			q := p
			q.user = id
			before := userCount(t, q)
			a := q.post(t, "authorize", appCode(&q))
			if a.Status != http.StatusOK || userCount(t, q) != before {
				t.Errorf("%s again: authorize = %d, %d users created; want 200 and none", name, a.Status, userCount(t, q)-before)
			}
		}
	})
}

// userTenant is the demo tenant's id.
func userTenant(t *testing.T, p partner) string {
	t.Helper()
	ten, err := p.env.App.Svc.TenantBySlug(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	return ten.ID
}

// TestNewUserLimit: one partner key creates at most new_users_per_hour
// users in any hour; beyond it /authorize of a new id (or of a local
// account's name: the same answer) is 429 with the real Retry-After, while
// its existing users go on working; the window slides with the clock.
func TestNewUserLimit(t *testing.T) {
	backends(t, func(t *testing.T, opt apptest.Options) {
		opt.Mounts = []string{"dialect=hdi,prefix=/hdi,tenant=demo,client=hdi-client,new_users_per_hour=3"}
		p := newPartner(t, opt)
		as := func(id string) *apptest.Response {
			q := p
			q.user = id
			return q.post(t, "authorize", appCode(&q))
		}
		for i, id := range []string{"u1", "u2"} {
			if r := as(id); r.Status != http.StatusOK {
				t.Fatalf("authorize new user %d = %d %s", i, r.Status, r.Body)
			}
		}
		p.env.Clock.Advance(20 * time.Minute)
		if r := as("u3"); r.Status != http.StatusOK {
			t.Fatalf("authorize third new user = %d %s", r.Status, r.Body)
		}
		for _, id := range []string{"u4", p.env.Creds.AdminLogin} {
			r := as(id)
			errorCode(t, "authorize("+id+") over the limit", r, http.StatusTooManyRequests, "too_many_requests", "", "")
			if ra := r.Header.Get("Retry-After"); ra != "2400" {
				t.Errorf("authorize(%s) over the limit: Retry-After = %q, want 2400 (the first creation leaves the hour in 40 min)", id, ra)
			}
		}
		if r := as("U1"); r.Status != http.StatusOK {
			t.Errorf("authorize of an existing user over the limit = %d %s, want 200", r.Status, r.Body)
		}
		p.env.Clock.Advance(40*time.Minute - time.Second)
		if r := as("u4"); r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1" {
			t.Errorf("authorize 1 s before the window slides = %d (Retry-After %q), want 429 and 1", r.Status, r.Header.Get("Retry-After"))
		}
		p.env.Clock.Advance(time.Second)
		if r := as("u4"); r.Status != http.StatusOK {
			t.Errorf("authorize once the first creation left the hour = %d %s, want 200", r.Status, r.Body)
		}
		if r := as("u5"); r.Status != http.StatusOK {
			t.Errorf("authorize of u5 = %d %s, want 200 (u1 and u2 both left the hour)", r.Status, r.Body)
		}
		if r := as("u6"); r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1200" {
			t.Errorf("authorize of u6 = %d (Retry-After %q), want 429 and 1200 (u3 leaves the hour in 20 min)", r.Status, r.Header.Get("Retry-After"))
		}
	})
}
