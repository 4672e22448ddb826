package consinco

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/renova-auth/renova/internal/httpx"
)

// maxDepth bounds element nesting in a request body. The binding models
// need two levels (root, member); unknown elements are skipped, but never
// deeper than this, so a deeply nested document is refused after at most
// maxDepth start tags.
const maxDepth = 32

// xmlReader walks one XML request body token by token. It never expands
// entities: a DOCTYPE (the vehicle of entity bombs and external entities)
// is refused outright, and encoding/xml in strict mode knows only the five
// predefined entities.
type xmlReader struct {
	m      model
	depth  int
	rooted bool   // the root element was seen
	field  *field // the known member being read, at depth 2
	text   strings.Builder
	out    map[string]string
	seen   map[string]bool
}

// decodeXML reads a binding model written by .NET's DataContractSerializer:
// root m.root in modelsNS, members as child elements in any order, unknown
// elements ignored. Only UTF-8 is accepted (no CharsetReader).
func decodeXML(body []byte, m model) (map[string]string, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	x := &xmlReader{m: m, out: map[string]string{}, seen: map[string]bool{}}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if !x.rooted {
				return nil, httpx.Bad("", "request body holds no XML element")
			}
			return x.out, nil
		}
		if err != nil {
			return nil, xmlSyntax(err)
		}
		if err := x.token(tok); err != nil {
			return nil, err
		}
	}
}

// token handles one token.
func (x *xmlReader) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.Directive:
		return httpx.Bad("", "DOCTYPE and other XML directives are not allowed")
	case xml.StartElement:
		return x.start(t)
	case xml.EndElement:
		return x.end()
	case xml.CharData:
		return x.chars(t)
	}
	return nil // comments and processing instructions
}

// start opens an element: the root (once, with the right name and
// namespace), a member, or an unknown element to skip.
func (x *xmlReader) start(t xml.StartElement) error {
	x.depth++
	switch {
	case x.depth > maxDepth:
		return httpx.Bad("", "XML nested deeper than %d elements", maxDepth)
	case x.depth == 1 && x.rooted:
		return httpx.Bad("", "XML document has more than one root element")
	case x.depth == 1:
		if t.Name.Space != modelsNS || t.Name.Local != x.m.root {
			return httpx.Bad("", "root element must be %s in namespace %s", x.m.root, modelsNS)
		}
		x.rooted = true
	case x.depth == 2:
		f, ok := x.m.xmlField(t.Name.Space, t.Name.Local)
		if !ok {
			return nil
		}
		if x.seen[f.xml] {
			return httpx.Bad(f.xml, "given more than once")
		}
		x.seen[f.xml], x.field = true, &f
		x.text.Reset()
	case x.depth == 3 && x.field != nil:
		return httpx.Bad(x.field.xml, "must hold text, not elements")
	}
	return nil
}

// end closes an element, storing a member's text.
func (x *xmlReader) end() error {
	if x.depth == 2 && x.field != nil {
		f := x.field
		x.field = nil
		v := x.text.String()
		if f.integer {
			if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32); err != nil {
				return httpx.Bad(f.xml, "must be an integer")
			}
		}
		if f.json != "" {
			x.out[f.json] = v
		}
	}
	x.depth--
	return nil
}

// chars collects a member's text; other text must be whitespace.
func (x *xmlReader) chars(t xml.CharData) error {
	switch {
	case x.depth == 2 && x.field != nil:
		x.text.Write(t)
	case x.depth <= 1 && len(bytes.TrimSpace(t)) > 0:
		return httpx.Bad("", "unexpected text outside the member elements")
	}
	return nil
}

// xmlSyntax turns a decoder error into a 400 that does not speak of Go.
func xmlSyntax(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "CharsetReader") {
		return httpx.Bad("", "malformed XML: only UTF-8 is accepted")
	}
	msg = strings.TrimPrefix(strings.TrimPrefix(msg, "XML syntax error on "), "xml: ")
	return httpx.Bad("", "malformed XML: %s", msg)
}
