package httpx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// xsiNS is the XML Schema instance namespace; DataContractSerializer
// writes a null member as <Member i:nil="true"/>.
const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// MaxXMLDepth bounds element nesting in a request body. The binding models
// are flat (root, then text members), so anything deeper is an unknown
// member's content, skipped but refused past this depth, so a hostile body
// cannot make the reader walk without end.
const MaxXMLDepth = 16

// XMLModel describes a flat ASP.NET binding model as .NET's
// DataContractSerializer writes it: a root element in the model's
// namespace and one child element per member, in any order.
type XMLModel struct {
	Root      string   // the root element's local name
	Namespace string   // the data-contract namespace of the root
	Bare      bool     // also accept a root with no namespace (FormulaCerta)
	Members   []string // member element names, matched exactly
}

// DecodeXML reads body as one instance of m and returns its members' text
// by name; a member marked i:nil is absent, unknown members are skipped.
// It is hardened for an authentication endpoint: a DOCTYPE or any other
// directive is refused (no entity can be declared, so none can expand),
// only UTF-8 is read, nesting is bounded by MaxXMLDepth, and the caller
// has bounded the size with ReadBody. Every refusal is a 400.
func DecodeXML(body []byte, m XMLModel) (map[string]string, error) {
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(body, bom)))
	d.Strict = true
	root, err := m.root(d)
	if err != nil {
		return nil, err
	}
	out, err := m.members(d, root)
	if err != nil {
		return nil, err
	}
	return out, xmlEnd(d)
}

// next returns the next token, refusing directives and turning decoder
// errors into 400s that do not speak of Go.
func next(d *xml.Decoder) (xml.Token, error) {
	tok, err := d.Token()
	switch {
	case errors.Is(err, io.EOF):
		return nil, err
	case err != nil && strings.Contains(err.Error(), "CharsetReader"):
		return nil, Bad("", "malformed XML: only UTF-8 is accepted")
	case err != nil:
		return nil, Bad("", "malformed XML")
	}
	if _, ok := tok.(xml.Directive); ok {
		return nil, Bad("", "DOCTYPE and other XML directives are not allowed")
	}
	return tok, nil
}

// must is next where the end of input is malformed.
func must(d *xml.Decoder) (xml.Token, error) {
	tok, err := next(d)
	if errors.Is(err, io.EOF) {
		return nil, Bad("", "malformed XML: unexpected end")
	}
	return tok, err
}

// root skips the prolog and returns the root element, which must be m's.
func (m XMLModel) root(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := must(d)
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != m.Root || (t.Name.Space != m.Namespace && !(m.Bare && t.Name.Space == "")) {
				return xml.StartElement{}, Bad("", "root element must be <%s> in namespace %q", m.Root, m.Namespace)
			}
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, Bad("", "malformed XML: text before the root element")
			}
		}
	}
}

// members reads the root's children up to its end tag. A member is a
// child in the root's namespace whose local name is one of m.Members.
func (m XMLModel) members(d *xml.Decoder, root xml.StartElement) (map[string]string, error) {
	out := map[string]string{}
	seen := map[string]bool{}
	for {
		tok, err := must(d)
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return out, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, Bad("", "unexpected text in <%s>", m.Root)
			}
		case xml.StartElement:
			name := ""
			if t.Name.Space == root.Name.Space {
				name = pick(m.Members, t.Name.Local, false)
			}
			if name == "" {
				if err := skip(d); err != nil {
					return nil, err
				}
				continue
			}
			if seen[name] {
				return nil, Bad(name, "given more than once")
			}
			seen[name] = true
			v, err := text(d, name)
			if err != nil {
				return nil, err
			}
			if !isNil(t) {
				out[name] = v
			}
		}
	}
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

// text reads a member's text up to its end tag; element content is a
// wrong type.
func text(d *xml.Decoder, name string) (string, error) {
	var b strings.Builder
	for {
		tok, err := must(d)
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			return "", Bad(name, "must be text, not elements")
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

// skip consumes an unknown member (depth 2) whose start tag was just read.
func skip(d *xml.Decoder) error {
	for open := 1; open > 0; {
		tok, err := must(d)
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			open++
			if open+1 > MaxXMLDepth {
				return Bad("", "XML nested deeper than %d elements", MaxXMLDepth)
			}
		case xml.EndElement:
			open--
		}
	}
	return nil
}

// xmlEnd allows only whitespace, comments and processing instructions
// after the root element.
func xmlEnd(d *xml.Decoder) error {
	for {
		tok, err := next(d)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return Bad("", "malformed XML: more than one root element")
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return Bad("", "malformed XML: text after the root element")
			}
		}
	}
}
