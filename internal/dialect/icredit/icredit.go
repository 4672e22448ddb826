// Package icredit serves the icredit dialect (see ../../../shared/seeds/README.md).
// It is a thin adapter over the core: no rotation logic of its own.
package icredit

import (
	"net/http"

	"github.com/renova-auth/renova/internal/dialect"
)

// Surface serves the icredit endpoints of one mount.
type Surface struct {
	b dialect.Binding
}

// New binds the dialect to a tenant, client and prefix.
func New(b dialect.Binding) (*Surface, error) {
	return &Surface{b: b}, nil
}

// Routes returns the dialect's handlers by ServeMux pattern ("POST
// /prefix/path"), under the mount's prefix.
func (s *Surface) Routes() map[string]http.Handler {
	return map[string]http.Handler{}
}
