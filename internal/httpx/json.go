package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// bom is the UTF-8 byte-order mark that .NET's writers put before a body
// by default; every decoder here skips it.
var bom = []byte("\xEF\xBB\xBF")

// JSONOptions are the knobs on which the surfaces' JSON rules differ.
type JSONOptions struct {
	// FoldCase matches member names ignoring case, as Json.NET binds them
	// (Consinco, FormulaCerta); two spellings of one member then count as
	// a duplicate.
	FoldCase bool
	// RefuseDuplicates answers a member given twice with a 400 rather than
	// keeping the last one (RFC 8259 §4 leaves it to the receiver; a
	// security service should not guess which one the client meant).
	RefuseDuplicates bool
	// AllowEmpty accepts an empty body as an empty object (iCredit's logout
	// body is optional).
	AllowEmpty bool
	// RefuseUnknown answers a member DecodeJSON's struct has no field for
	// with a 400 naming it, rather than dropping it (the admin API: an
	// administrator's typo must not be silently ignored).
	RefuseUnknown bool
}

// JSONObject reads body as exactly one JSON object and returns its members
// by name as written. It refuses, with a 400 naming the problem: an empty
// body (unless opt.AllowEmpty), anything but an object, malformed JSON,
// data after the object and, under opt.RefuseDuplicates, a member given
// twice. A leading byte-order mark is skipped.
func JSONObject(body []byte, opt JSONOptions) (map[string]json.RawMessage, error) {
	body, err := objectBody(body, opt)
	if err != nil {
		return nil, err
	}
	if body == nil {
		return map[string]json.RawMessage{}, nil
	}
	d := json.NewDecoder(bytes.NewReader(body))
	if _, err := d.Token(); err != nil { // the opening brace
		return nil, Bad("", "malformed JSON")
	}
	out := map[string]json.RawMessage{}
	seen := map[string]bool{}
	for d.More() {
		k, v, err := member(d)
		if err != nil {
			return nil, err
		}
		key := k
		if opt.FoldCase {
			key = fold(k)
		}
		if seen[key] && opt.RefuseDuplicates {
			return nil, Bad(k, "given more than once")
		}
		seen[key] = true
		out[k] = v
	}
	if _, err := d.Token(); err != nil { // the closing brace
		return nil, Bad("", "malformed JSON")
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, Bad("", "unexpected data after the JSON object")
	}
	return out, nil
}

// jsonSpace is the white space RFC 8259 §2 allows around a value; no other
// Unicode space is.
const jsonSpace = " \t\r\n"

// objectBody trims body and checks that it can be one JSON object; an
// empty body allowed by opt gives nil.
func objectBody(body []byte, opt JSONOptions) ([]byte, error) {
	body = bytes.Trim(bytes.TrimPrefix(body, bom), jsonSpace)
	switch {
	case len(body) == 0 && opt.AllowEmpty:
		return nil, nil
	case len(body) == 0:
		return nil, Bad("", "request body is empty; send a JSON object")
	case body[0] != '{' && json.Valid(body):
		return nil, Bad("", "request body must be a JSON object")
	case body[0] != '{':
		return nil, Bad("", "malformed JSON")
	}
	return body, nil
}

// fold maps a member name to one spelling per case-insensitive class, so
// that "user", "USER" and "uſer" (with U+017F, which encoding/json and
// Json.NET both fold to s) are one member.
func fold(k string) string { return strings.ToLower(strings.ToUpper(k)) }

// member reads one name and its raw value.
func member(d *json.Decoder) (string, json.RawMessage, error) {
	tok, err := d.Token()
	if err != nil {
		return "", nil, Bad("", "malformed JSON")
	}
	k, _ := tok.(string) // inside an object the decoder only yields string names
	var v json.RawMessage
	if err := d.Decode(&v); err != nil {
		return "", nil, Bad("", "malformed JSON")
	}
	return k, v, nil
}

// DecodeJSON reads body under opt's rules (see JSONObject) and then into
// v, a pointer to a struct of string fields tagged with their JSON names.
// A member of the wrong type is a 400 naming it, with Got set to the JSON
// type found; null leaves a field empty.
func DecodeJSON(body []byte, v any, opt JSONOptions) error {
	if opt.RefuseDuplicates {
		// encoding/json binds member names to fields ignoring case, so two
		// spellings of one name are a duplicate here whatever FoldCase says.
		strict := opt
		strict.FoldCase = true
		if _, err := JSONObject(body, strict); err != nil {
			return err
		}
	}
	body, err := objectBody(body, opt)
	if err != nil || body == nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(body))
	if opt.RefuseUnknown {
		d.DisallowUnknownFields()
	}
	var te *json.UnmarshalTypeError
	if err := d.Decode(v); errors.As(err, &te) {
		return &DecodeError{Status: http.StatusBadRequest, Field: te.Field, Problem: "must be a " + te.Type.String(), Got: te.Value}
	} else if name, ok := unknownField(err); ok {
		return Bad(name, "unknown field")
	} else if err != nil {
		return Bad("", "malformed JSON")
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return Bad("", "unexpected data after the JSON object")
	}
	return nil
}

// unknownField reads the member name out of encoding/json's error for a
// member DisallowUnknownFields refused (it has no typed error for it).
func unknownField(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	name, ok := strings.CutPrefix(err.Error(), "json: unknown field ")
	if !ok {
		return "", false
	}
	if uq, qerr := strconv.Unquote(name); qerr == nil {
		name = uq
	}
	return name, true
}

// JSONStrings picks the members named in names out of obj: matched
// exactly, or ignoring case when foldCase is set, and returned under the
// spelling in names. A member that is null is absent; one that is not a
// string is a 400; two spellings of one member (under foldCase) are refused.
func JSONStrings(obj map[string]json.RawMessage, names []string, foldCase bool) (map[string]string, error) {
	out := map[string]string{}
	for k, raw := range obj {
		name := pick(names, k, foldCase)
		if name == "" || len(raw) == 0 || string(raw) == "null" {
			continue
		}
		if _, dup := out[name]; dup {
			return nil, Bad(name, "given more than once")
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, &DecodeError{Status: http.StatusBadRequest, Field: name, Problem: "must be a string", Got: jsonType(raw)}
		}
		out[name] = s
	}
	return out, nil
}

// pick returns the entry of names that key spells, or "".
func pick(names []string, key string, foldCase bool) string {
	for _, n := range names {
		if n == key || (foldCase && strings.EqualFold(n, key)) {
			return n
		}
	}
	return ""
}

// jsonType names the JSON type of a valid raw value, as encoding/json
// does in its type errors.
func jsonType(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	}
	return "number"
}
