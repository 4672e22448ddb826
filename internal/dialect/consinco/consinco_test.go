package consinco

import (
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/dialect"
)

// TestNewOptions checks the mount options: spelling and tz are read, and a
// bad or unknown option fails the start.
func TestNewOptions(t *testing.T) {
	issued := time.Date(2021, 1, 28, 13, 31, 8, 894347400, time.UTC)
	cases := []struct {
		name     string
		opts     map[string]string
		ok       bool
		spelling Spelling
		date     string // issued rendered in the mount's zone
	}{
		{"defaults", nil, true, Documented, "2021-01-28T10:31:08.8943474-03:00"},
		{"backing-field", map[string]string{"spelling": "backing-field"}, true, BackingField, "2021-01-28T10:31:08.8943474-03:00"},
		{"documented", map[string]string{"spelling": "documented"}, true, Documented, "2021-01-28T10:31:08.8943474-03:00"},
		{"tz UTC", map[string]string{"tz": "UTC"}, true, Documented, "2021-01-28T13:31:08.8943474+00:00"},
		{"tz fixed offset", map[string]string{"tz": "-05:00"}, true, Documented, "2021-01-28T08:31:08.8943474-05:00"},
		{"bad spelling", map[string]string{"spelling": "camel"}, false, "", ""},
		{"bad tz", map[string]string{"tz": "Mars/Olympus"}, false, "", ""},
		{"unknown option", map[string]string{"spellling": "documented"}, false, "", ""},
	}
	for _, tc := range cases {
		s, err := New(dialect.Binding{Options: tc.opts})
		if (err == nil) != tc.ok {
			t.Errorf("New(%s) error = %v, want ok=%v", tc.name, err, tc.ok)
			continue
		}
		if !tc.ok {
			continue
		}
		if s.spelling != tc.spelling {
			t.Errorf("New(%s).spelling = %q, want %q", tc.name, s.spelling, tc.spelling)
		}
		if got := issued.In(s.loc).Format(timeLayout); got != tc.date {
			t.Errorf("New(%s): issued = %s, want %s", tc.name, got, tc.date)
		}
	}
}

// TestTokenResponseMapping checks where each TokenResponse member comes
// from (docs/dialects/consinco.md, "Field mapping").
func TestTokenResponseMapping(t *testing.T) {
	now := time.Date(2021, 1, 28, 13, 31, 8, 0, time.UTC)
	g := &auth.Grant{AccessToken: "at", TokenType: "Bearer", IssuedAt: now, ExpiresAt: now.Add(15 * time.Minute), RefreshToken: "rt",
		Tenant: &auth.Tenant{Slug: "acme", Type: "matriz"}}
	u := &auth.User{Login: "ana", Name: "Ana", Seq: 7, Code: "A7", PermissionRole: "R", External: true}
	got := *newTokenResponse(g, u, time.FixedZone("", -3*3600))
	want := tokenResponse{AccessToken: "at", TokenType: "Bearer", ExpiresIn: "900", RefreshToken: "rt", Username: "ana", ID: 7,
		Name: "Ana", UserSequence: 7, UserCode: "A7", PermissionRole: "R", Company: "acme", CompanyType: "matriz", IsExt: true,
		LoginID: "ana", Issued: "2021-01-28T10:31:08.0000000-03:00", Expires: "2021-01-28T10:46:08.0000000-03:00"}
	if got != want {
		t.Errorf("newTokenResponse = %+v\nwant %+v", got, want)
	}
}
