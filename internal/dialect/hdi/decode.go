package hdi

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// Header names of seed 003's request table. Go canonicalises header
// names, so the seed's "X-Company-id" and "x-Application-id" match too.
const (
	hCompany     = "X-Company-Id"
	hApplication = "X-Application-Id"
	hUser        = "X-User-Id"
	hContentType = "Content-Type"
)

// maxHeader bounds the X-* identifiers; X-User-Id becomes a user's login.
const maxHeader = 128

// caller is what every HDI call carries besides its body: the partner
// (its API key's client), the company, the application and the end user.
type caller struct {
	Client      *auth.Client
	Application string // X-Application-Id
	User        string // X-User-Id, e.g. a broker's CPF
	Meta        auth.Meta
}

// body is the union of the three calls' JSON bodies (seed 003: codeToken
// and applicationCode in the request table, token in the tokenrenew
// sample). Unknown fields are ignored; a field of the wrong type is refused.
// The legacy client encodes it too (omitempty: the seed's tokenrenew
// sample sends token and applicationCode only).
type body struct {
	ApplicationCode string `json:"applicationCode,omitempty"`
	CodeToken       string `json:"codeToken,omitempty"`
	Token           string `json:"token,omitempty"`
}

// decodeCaller checks, in this order: the API key (401), that it is the
// key of this mount's client (403), the required headers (400), that
// X-Company-Id names the mount's company (403) and the content type
// (400 when missing, 415 when not JSON).
func (s *Surface) decodeCaller(r *http.Request) (*caller, error) {
	keys := r.URL.Query()["key"]
	if len(keys) > 1 {
		return nil, httpx.Bad("key", "query parameter %q given more than once", "key")
	}
	key := ""
	if len(keys) == 1 {
		key = keys[0]
	}
	c, err := s.b.Svc.ClientByAPIKey(r.Context(), key)
	if err != nil {
		return nil, err
	}
	if c.ID != s.b.Client.ID {
		return nil, forbidden("the API key is not valid for this service")
	}
	h := map[string]string{}
	for _, name := range []string{hCompany, hApplication, hUser} {
		if h[name], err = header(r, name); err != nil {
			return nil, err
		}
	}
	if !s.company(h[hCompany]) {
		return nil, forbidden("the API key is not valid for company " + strconv.Quote(h[hCompany]))
	}
	if err := contentType(r); err != nil {
		return nil, err
	}
	return &caller{Client: c, Application: h[hApplication], User: h[hUser], Meta: httpx.Meta(r)}, nil
}

// header returns a required identifier header: present once, not blank,
// at most maxHeader printable characters.
func header(r *http.Request, name string) (string, error) {
	vs := r.Header.Values(name)
	switch {
	case len(vs) == 0 || strings.TrimSpace(vs[0]) == "":
		return "", missingHeader(name)
	case len(vs) > 1:
		return "", badHeader(name, "given more than once")
	}
	v := strings.TrimSpace(vs[0])
	if len(v) > maxHeader || strings.ContainsFunc(v, func(c rune) bool { return !unicode.IsPrint(c) }) {
		return "", badHeader(name, "must be at most 128 printable characters")
	}
	return v, nil
}

// company reports whether X-Company-Id names the mount's tenant: its
// numeric code in decimal (leading zeros allowed: the seed sends "01") or
// its slug.
func (s *Surface) company(id string) bool {
	t := s.b.Tenant
	if n, err := strconv.ParseUint(id, 10, 63); err == nil {
		return t.Code > 0 && int64(n) == t.Code
	}
	return strings.EqualFold(id, t.Slug)
}

// contentType requires the seed's "Content-Type: application/json".
func contentType(r *http.Request) error {
	if strings.TrimSpace(r.Header.Get(hContentType)) == "" {
		return missingHeader(hContentType)
	}
	if httpx.MediaType(r) != "application/json" {
		return &httpx.DecodeError{Status: http.StatusUnsupportedMediaType, Field: hContentType, Problem: "must be application/json"}
	}
	return nil
}

// readBody reads and decodes the JSON body (64 KiB at most) and checks
// that the named fields are present and not empty.
func readBody(r *http.Request, required ...string) (*body, error) {
	raw, err := httpx.ReadBody(r)
	if err != nil {
		return nil, err
	}
	b, err := decodeBody(raw)
	if err != nil {
		return nil, err
	}
	for _, f := range required {
		if b.field(f) == "" {
			return nil, httpx.Bad(f, "is required")
		}
	}
	return b, nil
}

// decodeBody parses one JSON object; anything after it, a non-object, a
// field of the wrong type and a field given twice (issue 14: one rule on
// every surface) are client mistakes (400), never a 500.
func decodeBody(raw []byte) (*body, error) {
	var b body
	err := httpx.DecodeJSON(raw, &b, httpx.JSONOptions{RefuseDuplicates: true})
	if de := httpx.IsDecode(err); de != nil && de.Got != "" {
		de.Problem += ", not " + de.Got
	}
	return &b, err
}

// field returns a body field by its JSON name.
func (b *body) field(name string) string {
	switch name {
	case "applicationCode":
		return b.ApplicationCode
	case "codeToken":
		return b.CodeToken
	case "token":
		return b.Token
	}
	return ""
}

// renewToken is the JWT a tokenrenew call presents: "token" as the seed's
// sample sends it or "codeToken" as its request table names it; both at
// once must agree.
func (b *body) renewToken() (string, error) {
	switch {
	case b.Token == "" && b.CodeToken == "":
		return "", httpx.Bad("token", "is required")
	case b.Token != "" && b.CodeToken != "" && b.Token != b.CodeToken:
		return "", httpx.Bad("codeToken", "differs from token; send one of them")
	case b.Token != "":
		return b.Token, nil
	}
	return b.CodeToken, nil
}

// checkApplication requires applicationCode to be the client's
// application code (401: the key and the code authenticate the application
// together).
func checkApplication(c *auth.Client, code string) error {
	if subtle.ConstantTimeCompare([]byte(code), []byte(c.AppCode)) != 1 {
		return &apiError{Status: http.StatusUnauthorized, Code: "invalid_application_code",
			Message: "applicationCode is not valid for this API key", Field: "applicationCode"}
	}
	return nil
}
