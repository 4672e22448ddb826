package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// postmanSchema is the Postman collection format the collections use.
const postmanSchema = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

// Collection is a Postman v2.1 collection; the field order is the
// written order.
type Collection struct {
	Info struct {
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
		Schema      string `json:"schema"`
	} `json:"info"`
	Variable []KV   `json:"variable"`
	Item     []Item `json:"item"`
}

// KV is a Postman key/value pair (variable, header, query parameter).
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Item is one request of a collection.
type Item struct {
	Name    string  `json:"name"`
	Request Request `json:"request"`
	Event   []Event `json:"event,omitempty"`
}

// Request is an item's HTTP request.
type Request struct {
	Method      string `json:"method"`
	Auth        *Auth  `json:"auth,omitempty"`
	Header      []KV   `json:"header"`
	Description string `json:"description,omitempty"`
	Body        *Body  `json:"body,omitempty"`
	URL         URL    `json:"url"`
}

// Auth is Postman's request authentication: basic (username and
// password) or bearer (token), each a list of key/value pairs.
type Auth struct {
	Type   string `json:"type"`
	Basic  []KV   `json:"basic,omitempty"`
	Bearer []KV   `json:"bearer,omitempty"`
}

// Body is a request body: raw (JSON, XML) or urlencoded.
type Body struct {
	Mode       string `json:"mode"`
	Raw        string `json:"raw,omitempty"`
	URLEncoded []KV   `json:"urlencoded,omitempty"`
	Options    *struct {
		Raw struct {
			Language string `json:"language"`
		} `json:"raw"`
	} `json:"options,omitempty"`
}

// URL is a request's URL, raw and in parts.
type URL struct {
	Raw   string   `json:"raw"`
	Host  []string `json:"host"`
	Path  []string `json:"path"`
	Query []KV     `json:"query,omitempty"`
}

// Event is a script Postman runs after a request.
type Event struct {
	Listen string `json:"listen"`
	Script struct {
		Type string   `json:"type"`
		Exec []string `json:"exec"`
	} `json:"script"`
}

// Postman turns an OpenAPI document into a Postman collection: one item
// per operation and request format (JSON, XML, form), in the document's
// order, with the document's first server as {{baseUrl}}, each header
// and query parameter as a collection variable holding its example, and
// the request body's example. A member of an example named like a
// variable that an earlier answer sets (x-postman-set) sends that
// variable, so running the collection in order chains the calls.
func Postman(raw []byte) ([]byte, error) {
	d, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	g := &gen{doc: d, vars: map[string]string{}}
	if len(d.Servers) > 0 {
		g.addVar("baseUrl", d.Servers[0].URL)
	}
	for _, p := range d.PathOrder() {
		for _, m := range Methods {
			if op := d.Paths[p][m]; op != nil {
				if err := g.operation(p, m, op); err != nil {
					return nil, fmt.Errorf("%s %s: %w", m, p, err)
				}
			}
		}
	}
	var c Collection
	c.Info.Name, c.Info.Description, c.Info.Schema = d.Info.Title, d.Info.Description, postmanSchema
	c.Variable, c.Item = g.varList, g.items
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// template matches an OpenAPI path parameter, {name}.
var template = regexp.MustCompile(`\{(\w+)\}`)

// gen accumulates a collection.
type gen struct {
	doc     *Doc
	vars    map[string]string
	varList []KV
	set     []string // variables an earlier item sets
	items   []Item
}

// addVar declares a collection variable once.
func (g *gen) addVar(k, v string) {
	if _, ok := g.vars[k]; ok {
		return
	}
	g.vars[k] = v
	g.varList = append(g.varList, KV{k, v})
}

// operation adds the items of one operation.
func (g *gen) operation(path, method string, op *Operation) error {
	base := Request{Method: strings.ToUpper(method), Description: op.Summary}
	path = template.ReplaceAllString(path, "{{$1}}") // a path parameter is a collection variable
	base.URL = URL{Host: []string{"{{baseUrl}}"}, Path: strings.Split(strings.Trim(path, "/"), "/")}
	for _, p := range op.Parameters {
		p = g.doc.param(p)
		val := "{{" + p.Name + "}}"
		g.addVar(p.Name, exampleText(p.Example))
		switch p.In {
		case "header":
			base.Header = append(base.Header, KV{p.Name, val})
		case "query":
			base.URL.Query = append(base.URL.Query, KV{p.Name, val})
		}
	}
	g.auth(op, &base)
	name := op.OperationID
	if op.RequestBody == nil || len(op.order) == 0 {
		g.add(name, base, op)
		return nil
	}
	seen := map[string]bool{}
	for _, mt := range op.order {
		family := formatOf(mt)
		if seen[family] {
			continue // one item per format: text/json is application/json's twin
		}
		seen[family] = true
		req := base
		req.Header = append(slices.Clone(base.Header), KV{"Content-Type", mt})
		ex := op.RequestBody.Content[mt].Example
		if family == "XML" {
			ex = op.RequestBody.Content[mt].XMLSample
		}
		body, err := g.body(family, ex)
		if err != nil {
			return err
		}
		req.Body = body
		itemName := name
		if len(op.order) > 1 {
			itemName += " (" + family + ")"
		}
		g.add(itemName, req, op)
	}
	return nil
}

// add finishes a request's URL and appends it, with the script that sets
// the operation's x-postman-set variables.
func (g *gen) add(name string, req Request, op *Operation) {
	raw := "{{baseUrl}}/" + strings.Join(req.URL.Path, "/")
	for i, q := range req.URL.Query {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		raw += sep + q.Key + "=" + q.Value
	}
	req.URL.Raw = raw
	it := Item{Name: name, Request: req}
	if len(op.PostmanSet) > 0 {
		var ev Event
		ev.Listen, ev.Script.Type = "test", "text/javascript"
		ev.Script.Exec = []string{"pm.test('status 2xx', () => pm.response.to.be.success);"}
		keys := make([]string, 0, len(op.PostmanSet))
		for k := range op.PostmanSet {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			g.addVar(k, "")
			ev.Script.Exec = append(ev.Script.Exec, fmt.Sprintf("pm.collectionVariables.set('%s', pm.response.json()['%s']);", k, op.PostmanSet[k]))
			if !slices.Contains(g.set, k) {
				g.set = append(g.set, k)
			}
		}
		it.Event = []Event{ev}
	}
	g.items = append(g.items, it)
}

// auth adds the credentials of the operation's first security
// requirement: HTTP Basic from clientId/clientSecret, a bearer token from
// access_token, an API key in the query from the key's variable.
func (g *gen) auth(op *Operation, req *Request) {
	sec := op.Security
	if sec == nil {
		sec = g.doc.Security
	}
	if len(sec) == 0 {
		return
	}
	for name := range sec[0] {
		s := g.doc.Components.SecuritySchemes[name]
		switch {
		case s == nil:
		case s.Type == "http" && s.Scheme == "basic":
			g.addVar("clientId", "demo-client")
			g.addVar("clientSecret", "")
			req.Auth = &Auth{Type: "basic", Basic: []KV{{"username", "{{clientId}}"}, {"password", "{{clientSecret}}"}}}
		case s.Type == "http" && s.Scheme == "bearer":
			g.addVar("access_token", "")
			req.Auth = &Auth{Type: "bearer", Bearer: []KV{{"token", "{{access_token}}"}}}
		case s.Type == "apiKey" && s.In == "query" && !hasQuery(req.URL.Query, s.Name):
			g.addVar(s.Name, "")
			req.URL.Query = append(req.URL.Query, KV{s.Name, "{{" + s.Name + "}}"})
		}
	}
}

func hasQuery(q []KV, name string) bool {
	return slices.ContainsFunc(q, func(kv KV) bool { return kv.Key == name })
}

// formatOf names the family of a request media type.
func formatOf(mt string) string {
	switch {
	case strings.HasSuffix(mt, "/json"):
		return "JSON"
	case strings.HasSuffix(mt, "/xml"):
		return "XML"
	case mt == "application/x-www-form-urlencoded":
		return "form"
	}
	return mt
}

// body renders an example in a format; members named like a variable an
// earlier item sets send that variable instead.
func (g *gen) body(family string, example json.RawMessage) (*Body, error) {
	if len(example) == 0 {
		return nil, nil
	}
	if family != "JSON" && family != "form" { // XML, NDJSON: the example is the body's text
		var s string
		if err := json.Unmarshal(example, &s); err != nil {
			return nil, fmt.Errorf("an %s example must be a string: %w", family, err)
		}
		lang := "text"
		if family == "XML" {
			lang = "xml"
		}
		return rawBody(s, lang), nil
	}
	members := Keys(example)
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(example, &obj); err != nil {
		return nil, fmt.Errorf("example: %w", err)
	}
	if family == "form" {
		b := &Body{Mode: "urlencoded"}
		for _, k := range members {
			b.URLEncoded = append(b.URLEncoded, KV{k, g.member(k, obj[k])})
		}
		return b, nil
	}
	var raw strings.Builder
	raw.WriteString("{\n")
	for i, k := range members {
		v, _ := json.Marshal(g.member(k, obj[k])) // a string always marshals
		if s := exampleText(obj[k]); s != "" && !slices.Contains(g.set, k) && !isString(obj[k]) {
			v = []byte(s)
		}
		fmt.Fprintf(&raw, "  %q: %s", k, v)
		if i < len(members)-1 {
			raw.WriteString(",")
		}
		raw.WriteString("\n")
	}
	raw.WriteString("}")
	return rawBody(raw.String(), "json"), nil
}

// member is the value a body sends for member k.
func (g *gen) member(k string, v json.RawMessage) string {
	if slices.Contains(g.set, k) {
		return "{{" + k + "}}"
	}
	return exampleText(v)
}

func rawBody(s, lang string) *Body {
	b := &Body{Mode: "raw", Raw: s}
	b.Options = &struct {
		Raw struct {
			Language string `json:"language"`
		} `json:"raw"`
	}{}
	b.Options.Raw.Language = lang
	return b
}

// exampleText is an example as text: a string's value, anything else its
// JSON.
func exampleText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

func isString(v json.RawMessage) bool {
	var s string
	return json.Unmarshal(v, &s) == nil
}
