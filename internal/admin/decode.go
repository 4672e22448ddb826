package admin

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/httpx"
)

// jsonRules are the admin API's JSON rules: a member given twice or one
// the operation does not know is refused with a 400 naming it; an
// administrator's typo must never be silently dropped.
var jsonRules = httpx.JSONOptions{RefuseDuplicates: true, RefuseUnknown: true}

// decode reads the request body as one JSON object into v under
// jsonRules. optional accepts an empty body (as {}) for operations whose
// every member has a default.
func decode(r *http.Request, v any, optional bool) error {
	if r.ContentLength != 0 || r.Header.Get("Content-Type") != "" {
		if mt := httpx.MediaType(r); mt != "application/json" {
			return &httpx.DecodeError{Status: http.StatusUnsupportedMediaType, Field: "Content-Type", Problem: "must be application/json"}
		}
	}
	body, err := httpx.ReadBody(r)
	if err != nil {
		return err
	}
	opt := jsonRules
	opt.AllowEmpty = optional
	if err := httpx.DecodeJSON(body, v, opt); err != nil {
		return err
	}
	return exactNames(body, v, opt)
}

// exactNames refuses a member spelt in another case than its field's
// JSON name ("Login" for "login"): encoding/json would bind it, but the
// API's names are exactly the documented ones, as its answers use them.
func exactNames(body []byte, v any, opt httpx.JSONOptions) error {
	obj, err := httpx.JSONObject(body, opt)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	t := reflect.TypeOf(v).Elem()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		known[name] = true
	}
	for k := range obj {
		if !known[k] {
			return httpx.Bad(k, "unknown field (names are lower-case snake_case, as documented)")
		}
	}
	return nil
}

// query returns the URL's query parameters, refusing one not in allowed
// or given twice: a misspelt filter must not silently list everything.
func query(r *http.Request, allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, httpx.Bad("", "malformed query string")
	}
	for k, vs := range q {
		if !slices.Contains(allowed, k) {
			return nil, httpx.Bad(k, "unknown query parameter; known: %v", allowed)
		}
		if len(vs) > 1 {
			return nil, httpx.Bad(k, "given more than once")
		}
	}
	return q, nil
}

// queryInt reads an optional integer parameter (0 when absent).
func queryInt(q url.Values, name string) (int, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, httpx.Bad(name, "must be an integer")
	}
	return n, nil
}

// queryBool reads an optional boolean parameter: nil when absent.
func queryBool(q url.Values, name string) (*bool, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, httpx.Bad(name, "must be true or false")
	}
	return &b, nil
}

// queryTime reads an optional RFC 3339 time parameter.
func queryTime(q url.Values, name string) (time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, httpx.Bad(name, "must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z")
	}
	return t, nil
}

// duration parses an optional Go duration member ("15m", "1h30m").
func duration(field string, v *string) (*time.Duration, error) {
	if v == nil {
		return nil, nil
	}
	d, err := time.ParseDuration(*v)
	if err != nil {
		return nil, httpx.Bad(field, "must be a duration such as 15m or 24h")
	}
	return &d, nil
}

// reply writes v as JSON with status.
func reply(w http.ResponseWriter, status int, v any) error {
	httpx.WriteJSON(w, status, v)
	return nil
}

// noContent answers 204.
func noContent(w http.ResponseWriter) error {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
	return nil
}
