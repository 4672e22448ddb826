package openapi_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	docs "github.com/renova-auth/renova/docs/openapi"
	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/server"
)

// mounts are the dialect mounts the coverage and serving tests start:
// every dialect, one of them twice (a second prefix, the other spelling)
// and one on its native paths, so prefixes are really stripped.
var mounts = []string{
	"dialect=icredit,prefix=/icredit,tenant=demo,client=icredit-client",
	"dialect=consinco,prefix=/consinco,tenant=demo,client=consinco-client",
	"dialect=consinco,prefix=/consinco-bf,tenant=demo,client=consinco-client,spelling=backing-field",
	"dialect=formulacerta,prefix=/formulacerta,tenant=demo,client=formulacerta-client",
	"dialect=hdi,prefix=,tenant=demo,client=hdi-client",
}

// TestRoutesMatchDocuments walks every route the real server mounts and
// holds each surface in server.Documented to its document: every route
// pattern is a documented operation (under its mount's prefix), and every
// documented operation is served under every mount of the surface.
func TestRoutesMatchDocuments(t *testing.T) {
	env := apptest.Start(t, apptest.Options{Mounts: mounts})
	routes, err := env.App.Routes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	bySurface := map[string][]server.Route{}
	for _, r := range routes {
		bySurface[r.Surface] = append(bySurface[r.Surface], r)
	}
	for kind := range bySurface {
		if !slices.Contains(server.Documented, kind) {
			t.Errorf("surface %q is mounted but not in server.Documented (and has no OpenAPI document)", kind)
		}
	}
	for _, name := range docs.Names() {
		if !slices.Contains(server.Documented, name) {
			t.Errorf("docs/openapi/%s.json belongs to no surface in server.Documented", name)
		}
	}
	for _, kind := range server.Documented {
		t.Run(kind, func(t *testing.T) {
			rs := bySurface[kind]
			if len(rs) == 0 {
				t.Fatalf("surface %s mounts no route", kind)
			}
			s := loadSpec(t, kind)
			for _, r := range rs {
				if err := s.documents(r); err != nil {
					t.Error(err)
				}
			}
			s.served(t, rs)
		})
	}
}

// documents reports why route r is not in the document, if it is not.
func (s *spec) documents(r server.Route) error {
	method, path, ok := strings.Cut(r.Pattern, " ")
	if !ok {
		method, path = "", r.Pattern
	}
	rest, ok := strings.CutPrefix(path, r.Prefix)
	if !ok {
		return errorf("route %q is not under its mount prefix %q", r.Pattern, r.Prefix)
	}
	// A literal path beats a template that also covers it, as in the
	// ServeMux: /users/import is not /users/{user}.
	docPath := ""
	for p := range s.paths {
		if covers(p, rest) && (docPath == "" || param.ReplaceAllString(p, "{}") == param.ReplaceAllString(rest, "{}")) {
			docPath = p
		}
	}
	switch {
	case docPath == "":
		return errorf("route %q (prefix %q): %s is not a path of %s.json", r.Pattern, r.Prefix, rest, s.name)
	case method == "":
		return s.wrongMethod(docPath, r)
	}
	if _, ok := s.paths[docPath][strings.ToLower(method)]; ok {
		return nil
	}
	return errorf("route %q (prefix %q): %s has no %s in %s.json", r.Pattern, r.Prefix, docPath, method, s.name)
}

// wrongMethod checks a method-less route, which a surface registers to
// answer the other methods of a documented path itself (iCredit's NestJS
// 404): each of the path's operations must document that 404.
func (s *spec) wrongMethod(docPath string, r server.Route) error {
	for m := range s.paths[docPath] {
		if _, ok := s.response(docPath, m, 404); !ok {
			return errorf("route %q answers every method of %s, but its %s operation documents no 404", r.Pattern, docPath, m)
		}
	}
	return nil
}

// served checks that every documented operation is a route under every
// prefix the surface is mounted at.
func (s *spec) served(t *testing.T, rs []server.Route) {
	t.Helper()
	prefixes := map[string]bool{}
	for _, r := range rs {
		prefixes[r.Prefix] = true
	}
	for docPath, item := range s.paths {
		for method := range item {
			if !slices.Contains([]string{"get", "put", "post", "delete", "patch"}, method) {
				continue
			}
			for prefix := range prefixes {
				if !slices.ContainsFunc(rs, func(r server.Route) bool {
					m, p, _ := strings.Cut(r.Pattern, " ")
					rest, under := strings.CutPrefix(p, prefix)
					return r.Prefix == prefix && under && strings.EqualFold(m, method) && covers(docPath, rest)
				}) {
					t.Errorf("%s.json documents %s %s, but no route serves it under prefix %q", s.name, strings.ToUpper(method), docPath, prefix)
				}
			}
		}
	}
}
