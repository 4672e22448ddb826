// Package openapi holds renova's OpenAPI 3.1 documents, one per surface
// (standard.json, icredit.json, ...), and embeds them so that the binary
// serves the very files that are checked in. It lives beside the JSON
// files because go:embed cannot reach a parent directory: the documents
// stay under docs/ where readers look for them, and the Go code that
// serves, tests and turns them into Postman collections is in
// internal/openapi and internal/server.
package openapi

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
)

//go:embed *.json
var files embed.FS

// Names lists the surfaces that have a document, sorted.
func Names() []string {
	entries, _ := fs.Glob(files, "*.json") // the pattern is valid: no error
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e, ".json"))
	}
	slices.Sort(out)
	return out
}

// Raw returns the checked-in document of surface, byte for byte.
func Raw(surface string) ([]byte, error) {
	b, err := files.ReadFile(surface + ".json")
	if err != nil {
		return nil, fmt.Errorf("openapi: no document for surface %q", surface)
	}
	return b, nil
}

// Document returns the document of surface with its servers replaced by
// urls (each an absolute base URL such as the issuer plus a mount prefix),
// so that "Try it out" and Postman reach the server that served it. The
// other members keep their order.
func Document(surface string, urls ...string) ([]byte, error) {
	raw, err := Raw(surface)
	if err != nil {
		return nil, err
	}
	servers := make([]map[string]string, 0, len(urls))
	for _, u := range urls {
		servers = append(servers, map[string]string{"url": u})
	}
	return replaceMember(raw, "servers", servers)
}

// replaceMember re-encodes the JSON object doc with the member name set
// to v (added last if absent), keeping every other member in its place.
func replaceMember(doc []byte, name string, v any) ([]byte, error) {
	val, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("openapi: document is not a JSON object")
	}
	var out bytes.Buffer
	out.WriteByte('{')
	found := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("openapi: %w", err)
		}
		var member json.RawMessage
		if err := dec.Decode(&member); err != nil {
			return nil, fmt.Errorf("openapi: %w", err)
		}
		if key == name {
			member, found = val, true
		}
		writeMember(&out, key.(string), member)
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	if !found {
		writeMember(&out, name, val)
	}
	out.WriteByte('}')
	var indented bytes.Buffer
	if err := json.Indent(&indented, out.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	indented.WriteByte('\n')
	return indented.Bytes(), nil
}

// writeMember appends "key":value to an object being written, after a
// comma unless it is the first member.
func writeMember(out *bytes.Buffer, key string, value json.RawMessage) {
	if out.Len() > 1 {
		out.WriteByte(',')
	}
	k, _ := json.Marshal(key) // a string always marshals
	out.Write(k)
	out.WriteByte(':')
	out.Write(value)
}
