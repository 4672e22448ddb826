package dialect

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/legacy"
)

// TestParseMount: the --mount syntax, with the origins option taken out of
// the dialect's options and checked at parse time.
func TestParseMount(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want Mount
		err  string
	}{
		{"minimal", "dialect=icredit", Mount{Dialect: "icredit", Prefix: "/icredit", Options: map[string]string{}}, ""},
		{"options stay options", "dialect=hdi,prefix=,tenant=t,client=c,code_ttl=60s",
			Mount{Dialect: "hdi", Tenant: "t", Client: "c", Options: map[string]string{"code_ttl": "60s"}}, ""},
		{"origins", "dialect=icredit,tenant=demo,client=c,origins=https://a.example| http://127.0.0.1:5173",
			Mount{Dialect: "icredit", Prefix: "/icredit", Tenant: "demo", Client: "c", Options: map[string]string{},
				Origins: []string{"https://a.example", "http://127.0.0.1:5173"}}, ""},
		{"wildcard origin", "dialect=icredit,origins=*", Mount{}, "wildcards"},
		{"origin with a path", "dialect=icredit,origins=https://a.example/app", Mount{}, "no path"},
		{"empty origin", "dialect=icredit,origins=https://a.example|", Mount{}, "want scheme"},
		{"no dialect", "prefix=/x", Mount{}, "dialect is required"},
		{"legacy options leave the dialect's", "dialect=consinco,tz=-03:00,legacy=http://127.0.0.1:9/old,legacy_timeout=2s",
			Mount{Dialect: "consinco", Prefix: "/consinco", Options: map[string]string{"tz": "-03:00"},
				Legacy: &legacy.Config{URL: &url.URL{Scheme: "http", Host: "127.0.0.1:9", Path: "/old"}, Timeout: 2 * time.Second}}, ""},
		{"legacy over plain http", "dialect=icredit,legacy=http://old.example", Mount{}, "must use https"},
		{"legacy_until alone", "dialect=icredit,legacy_until=2027-01-01T00:00:00Z", Mount{}, "needs option legacy"},
	}
	for _, tc := range cases {
		got, err := ParseMount(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: ParseMount(%q) = %v, want an error containing %q", tc.name, tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: ParseMount(%q) = %+v, %v; want %+v", tc.name, tc.in, got, err, tc.want)
		}
	}
}
