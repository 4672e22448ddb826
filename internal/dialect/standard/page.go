package standard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// The hosted pages (login, error, signed out) are one embedded template:
// no external asset, no script, one inline style sheet allowed by its hash.
//
//go:embed templates/page.html
var templateFS embed.FS

var pageTemplate = template.Must(template.ParseFS(templateFS, "templates/page.html"))

// style is the pages' only style sheet. It is inlined, and the CSP allows
// exactly these bytes by their SHA-256 (CSP Level 3 §8.3), so no other
// style, injected or not, applies.
const style = `body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1b1d21;margin:0}` +
	`main{max-width:24rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 4px #0002}` +
	`h1{font-size:1.4rem;margin:0 0 .5rem}.client{margin:0 0 1.5rem;color:#444}` +
	`label{display:block;font-weight:600;margin:1rem 0 .25rem}` +
	`input{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #767676;border-radius:.25rem}` +
	`input:focus,button:focus{outline:3px solid #1a5fb4;outline-offset:1px}` +
	`button{margin-top:1.5rem;width:100%;padding:.7rem;font-size:1rem;border:0;border-radius:.25rem;background:#1a5fb4;color:#fff;cursor:pointer}` +
	`.error{color:#a40e26;background:#fde8ec;padding:.75rem;border-radius:.25rem}.detail{color:#555;font-size:.85rem;word-break:break-word}`

// csp is the pages' Content-Security-Policy: nothing loads, the one style
// sheet is pinned by hash, forms post only back here, and no one may
// frame the login page (clickjacking).
var csp = "default-src 'none'; style-src 'sha256-" + hashOf(style) + "'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'"

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(h[:])
}

// field is a hidden form field.
type field struct{ Name, Value string }

// page is what the template shows; Kind is "login", "logout" or "error".
type page struct {
	Kind     string
	Lang     string
	T        messages
	Title    string
	Style    template.CSS
	Tenant   string
	Client   string
	Action   string
	Hidden   []field
	CSRF     string
	Username string
	Focus    string // the field that gets autofocus: the first empty one
	Error    string // the visible message (role=alert)
	Detail   string // the core's description on the error page
}

// render writes p as an HTML page with status and the pages' security
// headers: no caching (a login form must not be replayed from a cache), no
// framing, no referrer (the URL carries the authorization request).
func render(w http.ResponseWriter, status int, p page) error {
	p.T = catalog[p.Lang]
	p.Style = template.CSS(style)
	if p.Title == "" {
		p.Title = p.T.SignIn
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	httpx.WriteBody(w, status, "text/html", buf.Bytes())
	return nil
}

// pages adapts the handlers whose answers are pages: an error becomes the
// error page in the browser's language, never a redirect.
func (s *Surface) pages(h httpx.HandlerFunc) http.Handler {
	return httpx.Errors{Logger: s.logger, Status: pageStatus, Write: writePage}.Handle(h)
}

// pageStatus gives a core error its status on a page: 403 for a forged
// or stale login form, 503 and 500 as on the token endpoint, 400 for any
// other refusal (an unknown client is the browser's bad request, not a
// 401 that would need a challenge).
func pageStatus(err error) (int, bool) {
	ae := auth.AsError(err)
	switch {
	case ae == nil:
		return 0, false
	case ae == errCSRF:
		return http.StatusForbidden, true
	case ae.Code == auth.TemporarilyUnavailable, ae.Code == auth.ServerError:
		return httpx.Status(ae.Code), true
	}
	return http.StatusBadRequest, true
}

// writePage writes p as the error page: the reason in the user's words,
// the core's description (safe to show) as a detail, and for a 500 only
// the trace id.
func writePage(w http.ResponseWriter, r *http.Request, p httpx.Problem) {
	lang := locale(r.URL.Query().Get("ui_locales"), r.Header.Get("Accept-Language"))
	t := catalog[lang]
	pg := page{Kind: "error", Lang: lang, Title: t.ErrorTitle, Error: t.ErrorText}
	switch {
	case p.Internal():
		pg.Error = fmt.Sprintf(t.Internal, p.TraceID)
	case p.Decode != nil:
		pg.Detail = p.Decode.Error()
	case p.Auth == errCSRF:
		pg.Error = t.CSRF
	case p.Auth != nil:
		pg.Detail = p.Auth.Description
	}
	if err := render(w, p.Status, pg); err != nil {
		httpx.WriteBody(w, p.Status, "text/plain", []byte(pg.Error))
	}
}
