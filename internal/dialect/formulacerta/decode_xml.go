package formulacerta

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/renova-auth/renova/internal/httpx"
)

// xsiNS is the XML Schema instance namespace; DataContract writes a null
// member as <Member i:nil="true"/>.
const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// maxXMLDepth bounds element nesting. The models are flat (root, then
// string members), so anything deeper is an unknown member's content,
// still refused past this depth so a hostile body cannot nest without end.
const maxXMLDepth = 16

// decodeXML reads a DataContract body (seed 002): the root element named
// m.root in the seed's BindingModels namespace (or in none), its members
// as child elements in the root's namespace, matched by exact name as
// DataContractSerializer does. Unknown members are skipped; a member with
// element content is a wrong type; DTDs are refused; the body is already
// bounded by httpx.ReadBody.
func decodeXML(body []byte, m model) (map[string]string, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	root, err := xmlRoot(d, m)
	if err != nil {
		return nil, err
	}
	out, err := xmlMembers(d, root, m)
	if err != nil {
		return nil, err
	}
	return out, xmlTrailer(d)
}

// malformed is the answer for XML that does not parse.
func malformed(err error) error {
	if errors.Is(err, io.EOF) {
		return httpx.Bad("", "malformed XML body: unexpected end")
	}
	return httpx.Bad("", "malformed XML body")
}

// xmlRoot skips the prolog and returns the root element, which must be m's.
func xmlRoot(d *xml.Decoder, m model) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, malformed(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != m.root || (t.Name.Space != bindingNS && t.Name.Space != "") {
				return xml.StartElement{}, httpx.Bad("", "root element must be <%s xmlns=%q>", m.root, bindingNS)
			}
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, httpx.Bad("", "malformed XML body: text before the root element")
			}
		case xml.Directive:
			return xml.StartElement{}, httpx.Bad("", "XML DTDs and directives are not allowed")
		}
	}
}

// xmlMembers reads the root's children up to its end tag.
func xmlMembers(d *xml.Decoder, root xml.StartElement, m model) (map[string]string, error) {
	out := map[string]string{}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, malformed(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return out, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, httpx.Bad("", "unexpected text in <%s>", m.root)
			}
		case xml.Directive:
			return nil, httpx.Bad("", "XML DTDs and directives are not allowed")
		case xml.StartElement:
			name := m.member(root, t)
			if name == "" {
				if err := skip(d, 2); err != nil {
					return nil, err
				}
				continue
			}
			if _, dup := out[name]; dup {
				return nil, httpx.Bad(name, "given more than once")
			}
			v, err := xmlText(d, name)
			if err != nil {
				return nil, err
			}
			if !isNil(t) {
				out[name] = v
			}
		}
	}
}

// member returns the member e names: exact local name, root's namespace.
func (m model) member(root, e xml.StartElement) string {
	if e.Name.Space != root.Name.Space {
		return ""
	}
	for _, f := range m.fields {
		if f == e.Name.Local {
			return f
		}
	}
	return ""
}

// isNil reports an i:nil="true" attribute.
func isNil(e xml.StartElement) bool {
	for _, a := range e.Attr {
		if a.Name.Space == xsiNS && a.Name.Local == "nil" {
			return a.Value == "true" || a.Value == "1"
		}
	}
	return false
}

// xmlText reads a string member's text up to its end tag; element content
// is a wrong type.
func xmlText(d *xml.Decoder, name string) (string, error) {
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return "", malformed(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			return "", httpx.Bad(name, "must be a string")
		case xml.Directive:
			return "", httpx.Bad("", "XML DTDs and directives are not allowed")
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

// skip consumes an unknown element whose start tag, at depth, was just
// read, refusing nesting deeper than maxXMLDepth.
func skip(d *xml.Decoder, depth int) error {
	for open := 1; open > 0; {
		tok, err := d.Token()
		if err != nil {
			return malformed(err)
		}
		switch tok.(type) {
		case xml.StartElement:
			open++
			if depth+open-1 > maxXMLDepth {
				return httpx.Bad("", "XML nested deeper than %d elements", maxXMLDepth)
			}
		case xml.EndElement:
			open--
		case xml.Directive:
			return httpx.Bad("", "XML DTDs and directives are not allowed")
		}
	}
	return nil
}

// xmlTrailer allows only whitespace, comments and processing instructions
// after the root element.
func xmlTrailer(d *xml.Decoder) error {
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return malformed(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return httpx.Bad("", "malformed XML body: more than one root element")
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return httpx.Bad("", "malformed XML body: text after the root element")
			}
		case xml.Directive:
			return httpx.Bad("", "XML DTDs and directives are not allowed")
		}
	}
}
