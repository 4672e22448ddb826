package standard

import (
	"net/http"
	"net/url"
)

// LoginPage renders the login form as the authorize endpoint would, for
// the page tests; the exported names exist only in tests.
func LoginPage(w http.ResponseWriter, r *http.Request, tenant, client, hint, uiLocales, msg string, q url.Values) error {
	p := page{Kind: "login", Lang: locale(uiLocales, r.Header.Get("Accept-Language")), Action: loginPath,
		Tenant: tenant, Client: client, CSRF: "csrf-token", Username: hint, Error: msg, Focus: "username"}
	if hint != "" {
		p.Focus = "password"
	}
	for _, n := range authorizeParams {
		if v := q.Get(n); v != "" {
			p.Hidden = append(p.Hidden, field{n, v})
		}
	}
	return render(w, http.StatusOK, p)
}

// Locale is locale, for its table test.
var Locale = locale

// CSP is the pages' Content-Security-Policy.
var CSP = csp
