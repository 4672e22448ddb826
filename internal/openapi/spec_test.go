package openapi_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	docs "github.com/renova-auth/renova/docs/openapi"
)

// spec is one surface's document, ready to match requests and validate
// responses: the raw tree for schema lookups and a JSON Schema 2020-12
// compiler holding the document as one resource, so each response schema
// compiles by its JSON pointer and its $refs resolve inside the document.
type spec struct {
	name  string
	tree  map[string]any
	paths map[string]map[string]any
	c     *jsonschema.Compiler
	mu    sync.Mutex // the compiler is not safe for concurrent use
}

// base is the URL the documents are loaded under in the compiler.
const base = "https://renova.test/openapi/"

// loadSpec reads docs/openapi/<name>.json.
func loadSpec(t *testing.T, name string) *spec {
	t.Helper()
	raw, err := docs.Raw(name)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(base+name+".json", tree); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	s := &spec{name: name, tree: tree.(map[string]any), paths: map[string]map[string]any{}, c: c}
	for p, item := range s.tree["paths"].(map[string]any) {
		s.paths[p] = item.(map[string]any)
	}
	return s
}

// param matches an OpenAPI path template's {name} (and a ServeMux
// wildcard's {name} or {name...}).
var param = regexp.MustCompile(`\{[^}]*\}`)

// templateRE turns a documented path into a regexp matching the paths it
// describes, under any mount prefix when prefixed is set.
func templateRE(docPath string, prefixed bool) *regexp.Regexp {
	parts := param.Split(docPath, -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	head := "^"
	if prefixed {
		head = "^(?:/[^?]*)?"
	}
	return regexp.MustCompile(head + strings.Join(parts, "[^/]+") + "$")
}

// covers reports whether docPath describes the ServeMux route path: the
// same template, or a literal path the template matches.
func covers(docPath, routePath string) bool {
	if param.ReplaceAllString(docPath, "{}") == param.ReplaceAllString(routePath, "{}") {
		return true
	}
	return templateRE(docPath, false).MatchString(routePath)
}

// find returns the documented path a request path falls under (with any
// mount prefix before it), the longest when several do.
func (s *spec) find(path string) string {
	best := ""
	for p := range s.paths {
		if templateRE(p, true).MatchString(path) && len(p) > len(best) {
			best = p
		}
	}
	return best
}

// pointer is the JSON pointer of a member path inside the document.
func pointer(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	return b.String()
}

// response returns the documented response of an operation for status.
func (s *spec) response(docPath, method string, status int) (map[string]any, bool) {
	op, _ := s.paths[docPath][strings.ToLower(method)].(map[string]any)
	if op == nil {
		return nil, false
	}
	r, ok := op["responses"].(map[string]any)[fmt.Sprint(status)].(map[string]any)
	return s.deref(r), ok
}

// deref follows a local $ref.
func (s *spec) deref(v map[string]any) map[string]any {
	for v != nil {
		ref, ok := v["$ref"].(string)
		if !ok {
			return v
		}
		var cur any = s.tree
		for _, p := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := cur.(map[string]any)
			cur = m[strings.NewReplacer("~1", "/", "~0", "~").Replace(p)]
		}
		v, _ = cur.(map[string]any)
	}
	return v
}

// checkBody validates a response body of mediaType against the schema at
// ptr: JSON by JSON Schema 2020-12, XML by its shape (xmlShape).
func (s *spec) checkBody(ptr, mediaType string, body []byte, schema map[string]any) error {
	if strings.HasSuffix(mediaType, "/xml") {
		return s.xmlShape(schema, body)
	}
	if !strings.HasSuffix(mediaType, "/json") {
		if len(schema) > 0 && schema["type"] != "string" && s.deref(schema)["type"] != "string" {
			return fmt.Errorf("%s body documented as non-text", mediaType)
		}
		return nil
	}
	s.mu.Lock()
	sch, err := s.c.Compile(base + s.name + ".json#" + (&url.URL{Fragment: ptr}).EscapedFragment())
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("compile %s: %w", ptr, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	return sch.Validate(inst)
}

// check holds one exchange to the document: the operation is documented,
// the status is one of its responses, the content type one of that
// response's, and the body fits that content type's schema. A wrong
// method on a documented path is held to the 404 the path's other
// operations document (iCredit answers NestJS's own 404 there).
func (s *spec) check(method, path string, status int, contentType string, body []byte) error {
	docPath := s.find(path)
	if docPath == "" {
		return fmt.Errorf("%s %s: no documented path", method, path)
	}
	resp, ok := s.response(docPath, method, status)
	ptr := pointer("paths", docPath, strings.ToLower(method), "responses", fmt.Sprint(status))
	if _, documented := s.paths[docPath][strings.ToLower(method)]; !documented && status == 404 {
		for m := range s.paths[docPath] {
			if r, found := s.response(docPath, m, status); found {
				resp, ok, ptr = r, true, pointer("paths", docPath, m, "responses", "404")
			}
		}
	}
	if !ok {
		return fmt.Errorf("%s %s: status %d is not documented for %s", method, path, status, docPath)
	}
	content, _ := resp["content"].(map[string]any)
	if len(bytes.TrimSpace(body)) == 0 && contentType == "" {
		if len(content) > 0 && status != 304 {
			return fmt.Errorf("%s %s %d: empty answer, documented with a body", method, path, status)
		}
		return nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("%s %s %d: Content-Type %q: %v", method, path, status, contentType, err)
	}
	media, ok := content[mt].(map[string]any)
	if !ok {
		return fmt.Errorf("%s %s %d: Content-Type %s is not documented (have %v)", method, path, status, mt, keys(content))
	}
	schema, _ := media["schema"].(map[string]any)
	if err := s.checkBody(ptr+pointer("content", mt, "schema"), mt, body, schema); err != nil {
		return fmt.Errorf("%s %s %d %s: %w", method, path, status, mt, err)
	}
	return nil
}

// checkRequest holds a request body to the operation's documented
// request body: its content type (none means the first documented one,
// as iCredit reads a body without Content-Type as JSON) and schema. A
// form is checked as the JSON object of its parameters.
func (s *spec) checkRequest(method, path, contentType string, body []byte) error {
	docPath := s.find(path)
	m := strings.ToLower(method)
	op, _ := s.paths[docPath][m].(map[string]any)
	rb, _ := op["requestBody"].(map[string]any)
	content, _ := s.deref(rb)["content"].(map[string]any)
	if len(content) == 0 {
		return fmt.Errorf("%s %s sends a body, none is documented", method, path)
	}
	mt := keys(content)[0]
	if contentType != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(contentType); err != nil {
			return fmt.Errorf("Content-Type %q: %v", contentType, err)
		}
	}
	media, ok := content[mt].(map[string]any)
	if !ok {
		return fmt.Errorf("%s %s: request Content-Type %s is not documented (have %v)", method, path, mt, keys(content))
	}
	schema, _ := media["schema"].(map[string]any)
	ptr := pointer("paths", docPath, m, "requestBody", "content", mt, "schema")
	if mt == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return fmt.Errorf("form body: %v", err)
		}
		obj := map[string]string{}
		for k, v := range form {
			obj[k] = v[0]
		}
		body, _ = json.Marshal(obj) // strings always marshal
		return s.checkBody(ptr, "application/json", body, schema)
	}
	return s.checkBody(ptr, mt, body, schema)
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// xmlShape checks an XML body against a schema by its xml hints: the
// root element's name and namespace, every child element a documented
// property (by its xml name, else its name), every required property
// present. A oneOf passes when one alternative does.
func (s *spec) xmlShape(schema map[string]any, body []byte) error {
	schema = s.deref(schema)
	if alts, ok := schema["oneOf"].([]any); ok {
		var errs []string
		for _, a := range alts {
			err := s.xmlShape(a.(map[string]any), body)
			if err == nil {
				return nil
			}
			errs = append(errs, err.Error())
		}
		return fmt.Errorf("no alternative fits: %s", strings.Join(errs, "; "))
	}
	root, children, err := xmlElements(body)
	if err != nil {
		return err
	}
	hint, _ := schema["xml"].(map[string]any)
	if name, _ := hint["name"].(string); name != root.Local {
		return fmt.Errorf("root element %s, documented %q", root.Local, name)
	}
	if ns, _ := hint["namespace"].(string); ns != root.Space {
		return fmt.Errorf("root namespace %q, documented %q", root.Space, ns)
	}
	names := map[string]string{} // element name → property
	props, _ := schema["properties"].(map[string]any)
	for p, v := range props {
		el := p
		if h, ok := s.deref(v.(map[string]any))["xml"].(map[string]any); ok && h["name"] != nil {
			el = h["name"].(string)
		}
		names[el] = p
	}
	seen := map[string]bool{}
	for _, c := range children {
		p, ok := names[c]
		if !ok {
			return fmt.Errorf("element %s is not a documented property of %s", c, root.Local)
		}
		seen[p] = true
	}
	for _, r := range schema["required"].([]any) {
		if !seen[r.(string)] {
			return fmt.Errorf("required %s missing from %s", r, root.Local)
		}
	}
	return nil
}

// xmlElements returns the root element's name and its children's local
// names.
func xmlElements(body []byte) (xml.Name, []string, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var root xml.Name
	var children []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return root, children, nil
		}
		if err != nil {
			return root, nil, fmt.Errorf("body is not XML: %w", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				root = el.Name
			} else if depth == 2 {
				children = append(children, el.Name.Local)
			}
		case xml.EndElement:
			depth--
		}
	}
}
