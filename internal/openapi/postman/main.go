// Command postman writes docs/postman/<surface>.postman_collection.json
// from every OpenAPI document in docs/openapi, so the collections never
// drift from the documents (internal/openapi's TestPostmanInSync fails
// when they do). Run it from the repository root:
//
//	go run ./internal/openapi/postman
package main

import (
	"fmt"
	"os"
	"path/filepath"

	docs "github.com/renova-auth/renova/docs/openapi"
	"github.com/renova-auth/renova/internal/openapi"
)

// Dir is where the collections go, relative to the repository root.
const Dir = "docs/postman"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "postman:", err)
		os.Exit(1)
	}
}

// run writes one collection per document.
func run() error {
	for _, name := range docs.Names() {
		raw, err := docs.Raw(name)
		if err != nil {
			return err
		}
		col, err := openapi.Postman(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		path := filepath.Join(Dir, name+".postman_collection.json")
		if err := os.WriteFile(path, col, 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", path)
	}
	return nil
}
