package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/renova-auth/renova/docs/openapi"
)

// Documented lists the surfaces, by kind, that have an OpenAPI 3.1
// document in docs/openapi (<kind>.json). The server serves the document
// of each mounted one at /openapi/<kind>.json, and internal/openapi's
// tests hold every route of the surface to its document and back.
// Adding a surface is one line here once its document exists.
var Documented = []string{"standard", "icredit", "consinco", "formulacerta", "hdi", "admin"}

// docsMaxAge is how long a client may cache a document: it changes only
// with a new build or new mounts, both of which restart the server.
const docsMaxAge = 5 * time.Minute

// docsPath is where the document of a surface is served. /openapi/ is
// none of the vendors' native paths (seeds 000-003: /api/v1/..,
// /api/v2/..., /corporate/security/v1/...), nor renova's own.
func docsPath(kind string) string { return "/openapi/" + kind + ".json" }

// docs is the surface that serves the OpenAPI documents.
type docs map[string]http.Handler

// Routes returns the document routes by ServeMux pattern.
func (d docs) Routes() map[string]http.Handler { return d }

// openAPISurface serves the document of every documented kind among
// surfaces, its servers naming each mount of that kind under the issuer.
// It belongs to the standard surface's document (/openapi/{surface}.json).
// A document that does not load fails the start, not a request.
func (a *App) openAPISurface(surfaces []named) (named, error) {
	d := docs{}
	for _, kind := range Documented {
		var urls []string
		for _, s := range surfaces {
			if s.kind == kind {
				urls = append(urls, strings.TrimRight(a.Cfg.Issuer, "/")+s.prefix)
			}
		}
		if len(urls) == 0 {
			continue
		}
		slices.Sort(urls)
		doc, err := openapi.Document(kind, slices.Compact(urls)...)
		if err != nil {
			return named{}, err
		}
		d["GET "+docsPath(kind)] = serveDocument(doc)
	}
	return named{name: "openapi", surface: d, kind: "standard"}, nil
}

// serveDocument answers a document with a strong ETag, so a client
// revalidates with If-None-Match and gets 304, and with
// Access-Control-Allow-Origin: *: the documents are public and carry no
// secret, and browser tools on any origin (Swagger UI, editors) fetch
// them without credentials.
func serveDocument(doc []byte) http.Handler {
	sum := sha256.Sum256(doc)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(docsMaxAge/time.Second)))
		h.Set("ETag", etag)
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(string(doc)))
	})
}

// Route is one route the server mounts: the kind of its surface (the
// name of its OpenAPI document), its mount prefix and its ServeMux
// pattern.
type Route struct {
	Surface, Prefix, Pattern string
}

// Routes lists every route Handler mounts, by surface, for the OpenAPI
// coverage test: the server's own routes belong to the standard surface.
func (a *App) Routes(ctx context.Context) ([]Route, error) {
	surfaces, err := a.surfaces(ctx)
	if err != nil {
		return nil, err
	}
	var out []Route
	for _, s := range surfaces {
		for p := range s.Routes() {
			out = append(out, Route{Surface: s.kind, Prefix: s.prefix, Pattern: p})
		}
	}
	for p := range a.serverRoutes() {
		out = append(out, Route{Surface: "standard", Pattern: p})
	}
	return out, nil
}
