package consinco

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/renova-auth/renova/internal/httpx"
)

// modelsNS is the data-contract namespace of the seed's request bodies
// (xmlns="http://schemas.datacontract.org/2004/07/AuthenticationServer.Models").
const modelsNS = "http://schemas.datacontract.org/2004/07/AuthenticationServer.Models"

// model is one ASP.NET binding model: its XML root element (in modelsNS)
// and its members, each with a JSON key and an XML element name.
type model struct {
	root   string
	fields []field
}

// field is one binding-model member. A member with no JSON key is XML-only
// (ControllerVersion, which the seed's XML carries and renova ignores); an
// integer member must hold a number.
type field struct {
	json, xml string
	integer   bool
}

// controllerVersion is the version element the seed's XML bodies carry
// ("<ControllerVersion>3</ControllerVersion>"): accepted, checked to be an
// integer, and ignored.
var controllerVersion = field{xml: "ControllerVersion", integer: true}

// refreshModel is ConsincoRefreshTokenBindingModel (seed 001, request
// formats): JSON {"refresh_token", "grant_type"}, XML Refreshtoken,
// GrantType.
var refreshModel = model{root: "ConsincoRefreshTokenBindingModel", fields: []field{
	controllerVersion, {json: "grant_type", xml: "GrantType"}, {json: "refresh_token", xml: "Refreshtoken"},
}}

// loginModel is ConsincoUserBindingModel (issue 5, from Consinco's help
// pages for this API family): JSON {"company", "username", "password"},
// XML Company, Password, Username.
var loginModel = model{root: "ConsincoUserBindingModel", fields: []field{
	controllerVersion, {json: "company", xml: "Company"}, {json: "password", xml: "Password"}, {json: "username", xml: "Username"},
}}

// values is a decoded request body: member values by JSON key, and the
// format they came in, so errors can name fields as the client spelt them.
type values struct {
	m   model
	xml bool
	v   map[string]string
}

// get returns the member with JSON key k ("" when absent or null).
func (v values) get(k string) string { return v.v[k] }

// require returns a 400 naming the first of keys that is empty, spelt as
// on the wire (refresh_token in JSON, Refreshtoken in XML).
func (v values) require(keys ...string) error {
	for _, k := range keys {
		if v.v[k] != "" {
			continue
		}
		for _, f := range v.m.fields {
			if f.json == k && v.xml {
				k = f.xml
			}
		}
		return httpx.Bad(k, "missing")
	}
	return nil
}

// decode reads a request body of model m in the format its Content-Type
// names (seed 001: application/json, text/json, application/xml,
// text/xml; anything else is 415).
func decode(r *http.Request, m model) (values, error) {
	isXML, err := requestFormat(r.Header.Get("Content-Type"))
	if err != nil {
		return values{}, err
	}
	body, err := httpx.ReadBody(r)
	if err != nil {
		return values{}, err
	}
	return decodeBody(body, isXML, m)
}

// decodeBody parses body as XML or JSON. A leading UTF-8 byte-order mark,
// which .NET writers emit by default, is skipped.
func decodeBody(body []byte, isXML bool, m model) (values, error) {
	body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
	var v map[string]string
	var err error
	if isXML {
		v, err = decodeXML(body, m)
	} else {
		v, err = decodeJSON(body, m)
	}
	return values{m: m, xml: isXML, v: v}, err
}

// unsupported is the 415 for a Content-Type the seed does not list.
var unsupported = &httpx.DecodeError{Status: http.StatusUnsupportedMediaType, Field: "Content-Type",
	Problem: "must be application/json, text/json, application/xml or text/xml (charset utf-8)"}

// requestFormat reports whether contentType is one of the seed's XML types;
// a JSON type gives false, anything else (or a charset other than UTF-8)
// is 415.
func requestFormat(contentType string) (isXML bool, err error) {
	mt, params, perr := mime.ParseMediaType(contentType)
	if perr != nil {
		return false, unsupported
	}
	if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return false, unsupported
	}
	switch strings.ToLower(mt) {
	case "application/json", "text/json":
		return false, nil
	case "application/xml", "text/xml":
		return true, nil
	}
	return false, unsupported
}

// decodeJSON reads one JSON object. Keys match members case-insensitively
// (as Json.NET does); unknown keys are ignored; a member that is not a
// string (or null) is refused, as is a key given twice.
func decodeJSON(body []byte, m model) (map[string]string, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, httpx.Bad("", "request body is empty")
	}
	if trimmed[0] != '{' {
		return nil, httpx.Bad("", "request body must be a JSON object")
	}
	var raw map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(trimmed))
	if err := d.Decode(&raw); err != nil {
		return nil, httpx.Bad("", "malformed JSON body")
	}
	if d.InputOffset() != int64(len(trimmed)) {
		return nil, httpx.Bad("", "unexpected data after the JSON object")
	}
	out, seen := map[string]string{}, map[string]bool{}
	for k, msg := range raw {
		f, ok := m.jsonField(k)
		if !ok {
			continue
		}
		if seen[f.json] {
			return nil, httpx.Bad(f.json, "given more than once")
		}
		seen[f.json] = true
		var s *string
		if err := json.Unmarshal(msg, &s); err != nil {
			return nil, httpx.Bad(f.json, "must be a string")
		}
		if s != nil {
			out[f.json] = *s
		}
	}
	return out, nil
}

// jsonField finds the member whose JSON key is k, ignoring case.
func (m model) jsonField(k string) (field, bool) {
	for _, f := range m.fields {
		if f.json != "" && strings.EqualFold(f.json, k) {
			return f, true
		}
	}
	return field{}, false
}

// xmlField finds the member whose XML element is local in modelsNS.
func (m model) xmlField(space, local string) (field, bool) {
	if space != modelsNS {
		return field{}, false
	}
	for _, f := range m.fields {
		if f.xml == local {
			return f, true
		}
	}
	return field{}, false
}
