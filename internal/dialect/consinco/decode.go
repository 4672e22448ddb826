package consinco

import (
	"mime"
	"net/http"
	"strconv"
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

// jsonRules are Json.NET's as the seed's server bound them: member names
// match ignoring case; renova refuses a member given twice (in any
// spelling) rather than guess which one was meant.
var jsonRules = httpx.JSONOptions{FoldCase: true, RefuseDuplicates: true}

// decodeBody parses body as XML or JSON into m's members, keyed by their
// JSON names. Unknown members are ignored; ControllerVersion must be an
// integer.
func decodeBody(body []byte, isXML bool, m model) (values, error) {
	v := values{m: m, xml: isXML}
	var err error
	if isXML {
		v.v, err = decodeXML(body, m)
	} else {
		v.v, err = decodeJSON(body, m)
	}
	return v, err
}

// decodeJSON reads one JSON object of string members.
func decodeJSON(body []byte, m model) (map[string]string, error) {
	obj, err := httpx.JSONObject(body, jsonRules)
	if err != nil {
		return nil, err
	}
	return httpx.JSONStrings(obj, m.names(func(f field) string { return f.json }), true)
}

// decodeXML reads the model as DataContractSerializer writes it (root and
// members in modelsNS) and renames the members to their JSON keys.
func decodeXML(body []byte, m model) (map[string]string, error) {
	byXML, err := httpx.DecodeXML(body, httpx.XMLModel{Root: m.root, Namespace: modelsNS,
		Members: m.names(func(f field) string { return f.xml })})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, f := range m.fields {
		v, ok := byXML[f.xml]
		if !ok {
			continue
		}
		if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32); f.integer && err != nil {
			return nil, httpx.Bad(f.xml, "must be an integer")
		}
		if f.json != "" {
			out[f.json] = v
		}
	}
	return out, nil
}

// names lists the members' names as name spells them, skipping blanks.
func (m model) names(name func(field) string) []string {
	var out []string
	for _, f := range m.fields {
		if n := name(f); n != "" {
			out = append(out, n)
		}
	}
	return out
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
