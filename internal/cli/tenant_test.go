package cli

import (
	"strings"
	"testing"
)

// tenantJSON is the --json shape of a tenant.
type tenantJSON struct {
	ID, Slug, Name, Type string
	Code                 int64
}

// TestTenantCommands: tenants get the next free code unless one is given,
// slugs are unique, and both list forms show what was created.
func TestTenantCommands(t *testing.T) {
	db := newDB(t)
	var empty []tenantJSON
	if out := mustRun(t, db, "tenant", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("tenant list --json on an empty database = %q, want [] (scripts iterate over it)", out)
	}
	runJSON(t, db, &empty, "tenant", "list")
	cases := []struct {
		args     []string
		wantCode int64
	}{
		{[]string{"acme"}, 1},
		{[]string{"beta", "--name", "Beta Ltda", "--type", "filial"}, 2},
		{[]string{"gamma", "--code", "40"}, 40},
		{[]string{"delta"}, 41},
	}
	for _, tc := range cases {
		var got []tenantJSON
		runJSON(t, db, &got, append([]string{"tenant", "create"}, tc.args...)...)
		if len(got) != 1 || got[0].Slug != tc.args[0] || got[0].Code != tc.wantCode || !strings.HasPrefix(got[0].ID, "ten_") {
			t.Errorf("tenant create %v = %+v; want slug %s, code %d", tc.args, got, tc.args[0], tc.wantCode)
		}
	}
	var all []tenantJSON
	runJSON(t, db, &all, "tenant", "list")
	byslug := map[string]tenantJSON{}
	for _, tn := range all {
		byslug[tn.Slug] = tn
	}
	if len(all) != 4 || byslug["beta"].Name != "Beta Ltda" || byslug["beta"].Type != "filial" || byslug["acme"].Name != "acme" {
		t.Errorf("tenant list --json = %+v; want the four tenants, the name defaulting to the slug", all)
	}
	failRun(t, db, `create tenant "acme"`, "tenant", "create", "acme")
	failRun(t, db, `create tenant "zeta"`, "tenant", "create", "zeta", "--code", "40") // codes are unique too
	out := mustRun(t, db, "tenant", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || strings.Join(strings.Fields(lines[0]), " ") != "SLUG NAME TYPE CODE ID" {
		t.Errorf("tenant list:\n%s\nwant a header and four rows", out)
	}
	if !strings.Contains(out, "Beta Ltda") || !strings.Contains(out, byslug["gamma"].ID) {
		t.Errorf("tenant list lacks a created tenant:\n%s", out)
	}
}
