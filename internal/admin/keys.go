package admin

import (
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
)

func (s *Surface) listKeys(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	if _, err := query(r); err != nil {
		return err
	}
	ks, err := s.svc.ListKeys(r.Context(), a)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, listing[Key]{Items: Each(ks, KeyOf)})
}

// keyRotation is the body of POST /keys/rotate.
type keyRotation struct {
	// Alg is the algorithm whose next key becomes current.
	Alg string `json:"alg"`
	// Force promotes a next key verifiers may not have fetched yet (a
	// compromised current key).
	Force bool `json:"force"`
}

func (s *Surface) rotateKey(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	var in keyRotation
	if err := decode(r, &in, false); err != nil {
		return err
	}
	if err := s.svc.RotateKey(r.Context(), a, in.Alg, in.Force); err != nil {
		return err
	}
	ks, err := s.svc.ListKeys(r.Context(), a)
	if err != nil {
		return err
	}
	var out []Key
	for _, k := range ks {
		if k.Alg == in.Alg && k.State != "retired" {
			out = append(out, KeyOf(k))
		}
	}
	return reply(w, http.StatusOK, listing[Key]{Items: out})
}
