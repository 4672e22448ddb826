// Package openapi works with renova's OpenAPI documents (docs/openapi):
// it reads the parts of them that tools need, in their written order,
// and turns each into a Postman collection (postman.go). The documents
// themselves are embedded by package docs/openapi; the server serves them
// (internal/server/openapi.go).
package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Doc is the part of an OpenAPI 3.1 document the tools read.
type Doc struct {
	Info struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"info"`
	Servers []struct {
		URL string `json:"url"`
	} `json:"servers"`
	Paths      map[string]map[string]*Operation `json:"paths"`
	Security   []map[string][]string            `json:"security"`
	Components struct {
		Parameters      map[string]*Parameter      `json:"parameters"`
		SecuritySchemes map[string]*SecurityScheme `json:"securitySchemes"`
	} `json:"components"`
	// order is the paths in the order the document lists them.
	order []string
}

// Operation is one method of a path.
type Operation struct {
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary"`
	Description string                `json:"description"`
	Parameters  []*Parameter          `json:"parameters"`
	Security    []map[string][]string `json:"security"`
	RequestBody *struct {
		Content map[string]*MediaType `json:"content"`
	} `json:"requestBody"`
	Responses map[string]json.RawMessage `json:"responses"`
	// PostmanSet names collection variables a Postman run sets from the
	// JSON answer's members (x-postman-set: {"variable": "member"}), so
	// that the next request of the collection sends them.
	PostmanSet map[string]string `json:"x-postman-set"`
	// order is the media types of the request body in written order.
	order []string
}

// Parameter is a header, query or path parameter (or a $ref to one).
type Parameter struct {
	Ref      string          `json:"$ref"`
	Name     string          `json:"name"`
	In       string          `json:"in"`
	Required bool            `json:"required"`
	Example  json.RawMessage `json:"example"`
}

// MediaType is one content type of a request body. An XML example is
// the extension x-xml-sample, a string: OpenAPI validators check an
// example against the schema as JSON, which an XML text never is.
type MediaType struct {
	Example   json.RawMessage `json:"example"`
	XMLSample json.RawMessage `json:"x-xml-sample"`
}

// SecurityScheme is a components.securitySchemes entry.
type SecurityScheme struct {
	Type   string `json:"type"`
	Scheme string `json:"scheme"`
	In     string `json:"in"`
	Name   string `json:"name"`
}

// Methods are the operations the tools look at, in the order they list
// them under one path.
var Methods = []string{"get", "post", "put", "patch", "delete"}

// Parse reads raw, keeping the written order of paths and media types.
func Parse(raw []byte) (*Doc, error) {
	var d Doc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	var shape struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content json.RawMessage `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &shape); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	d.order = Keys(top["paths"])
	for p, item := range shape.Paths {
		for m, op := range item {
			if o := d.Paths[p][m]; o != nil {
				o.order = Keys(op.RequestBody.Content)
			}
		}
	}
	return &d, nil
}

// PathOrder returns the document's paths in written order.
func (d *Doc) PathOrder() []string { return d.order }

// param resolves a parameter that is a $ref to components.parameters.
func (d *Doc) param(p *Parameter) *Parameter {
	if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok && d.Components.Parameters[name] != nil {
		return d.Components.Parameters[name]
	}
	return p
}

// Keys returns the member names of the JSON object raw in written
// order; nil when raw is not an object.
func Keys(raw json.RawMessage) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var out []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		out = append(out, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return out
		}
	}
	return out
}
