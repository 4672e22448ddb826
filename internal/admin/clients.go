package admin

import (
	"net/http"
	"time"

	"github.com/renova-auth/renova/internal/auth"
)

// clientInput is the body of POST /tenants/{tenant}/clients. Absent
// members take the core's defaults (auth.NewClient); durations are Go
// duration strings.
type clientInput struct {
	ClientID       string   `json:"client_id"`
	Name           string   `json:"name"`
	Public         bool     `json:"public"`
	Grants         []string `json:"grants"`
	Scopes         []string `json:"scopes"`
	RedirectURIs   []string `json:"redirect_uris"`
	PostLogoutURIs []string `json:"post_logout_redirect_uris"`
	Origins        []string `json:"origins"`
	Dialects       []string `json:"dialects"`
	AppCode        string   `json:"app_code"`
	Alg            string   `json:"alg"`
	AccessTTL      *string  `json:"access_ttl"`
	IdleTTL        *string  `json:"idle_ttl"`
	AbsoluteTTL    *string  `json:"absolute_ttl"`
	Grace          *string  `json:"grace"`
}

// clientPatch is the body of PATCH /tenants/{tenant}/clients/{client}:
// absent (or null) members stay as they are, a list given replaces the
// stored one whole. client_id, public and the secrets are not members.
type clientPatch struct {
	Name           *string   `json:"name"`
	Grants         *[]string `json:"grants"`
	Scopes         *[]string `json:"scopes"`
	RedirectURIs   *[]string `json:"redirect_uris"`
	PostLogoutURIs *[]string `json:"post_logout_redirect_uris"`
	Origins        *[]string `json:"origins"`
	Dialects       *[]string `json:"dialects"`
	AppCode        *string   `json:"app_code"`
	Alg            *string   `json:"alg"`
	AccessTTL      *string   `json:"access_ttl"`
	IdleTTL        *string   `json:"idle_ttl"`
	AbsoluteTTL    *string   `json:"absolute_ttl"`
	Grace          *string   `json:"grace"`
}

// durations parses the four duration members into dst, naming the one at
// fault.
func durations(dst [4]**time.Duration, src [4]*string) error {
	names := [4]string{"access_ttl", "idle_ttl", "absolute_ttl", "grace"}
	for i := range names {
		d, err := duration(names[i], src[i])
		if err != nil {
			return err
		}
		*dst[i] = d
	}
	return nil
}

// createdClient is the answer of a creation: the client and, for a
// confidential one, its secret, shown this once.
type createdClient struct {
	Client
	ClientSecret string `json:"client_secret,omitempty"`
}

func (s *Surface) createClient(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	var in clientInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	var ttl [4]*time.Duration
	if err := durations([4]**time.Duration{&ttl[0], &ttl[1], &ttl[2], &ttl[3]}, [4]*string{in.AccessTTL, in.IdleTTL, in.AbsoluteTTL, in.Grace}); err != nil {
		return err
	}
	c := &auth.Client{ID: in.ClientID, Name: in.Name, Public: in.Public, Grants: in.Grants, Scopes: in.Scopes,
		RedirectURIs: in.RedirectURIs, PostLogoutURIs: in.PostLogoutURIs, Origins: in.Origins, Dialects: in.Dialects,
		AppCode: in.AppCode, Alg: in.Alg, Grace: auth.DefaultGrace}
	for i, dst := range []*time.Duration{&c.AccessTTL, &c.IdleTTL, &c.AbsoluteTTL, &c.Grace} {
		if ttl[i] != nil {
			*dst = *ttl[i]
		}
	}
	secret, err := s.svc.CreateClient(r.Context(), a, t.ID, c)
	if err != nil {
		return err
	}
	return reply(w, http.StatusCreated, createdClient{ClientOf(c), secret})
}

func (s *Surface) listClients(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	if _, err := query(r); err != nil {
		return err
	}
	cs, err := s.svc.ListClients(r.Context(), a, t.ID)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, listing[Client]{Items: Each(cs, ClientOf)})
}

func (s *Surface) getClient(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	c, err := s.svc.GetClient(r.Context(), a, t.ID, r.PathValue("client"))
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, ClientOf(c))
}

func (s *Surface) updateClient(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	var in clientPatch
	if err := decode(r, &in, false); err != nil {
		return err
	}
	p := auth.ClientPatch{Name: in.Name, AppCode: in.AppCode, Alg: in.Alg, Grants: in.Grants, Scopes: in.Scopes,
		RedirectURIs: in.RedirectURIs, PostLogoutURIs: in.PostLogoutURIs, Origins: in.Origins, Dialects: in.Dialects}
	if err := durations([4]**time.Duration{&p.AccessTTL, &p.IdleTTL, &p.AbsoluteTTL, &p.Grace}, [4]*string{in.AccessTTL, in.IdleTTL, in.AbsoluteTTL, in.Grace}); err != nil {
		return err
	}
	c, err := s.svc.UpdateClient(r.Context(), a, t.ID, r.PathValue("client"), p)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, ClientOf(c))
}

func (s *Surface) deleteClient(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteClient(r.Context(), a, t.ID, r.PathValue("client")); err != nil {
		return err
	}
	return noContent(w)
}

// rotateInput is the optional body of POST .../clients/{client}/secret.
type rotateInput struct {
	// Overlap is how long the previous secret keeps working: a Go
	// duration, default 24h, "0s" to end it at once.
	Overlap *string `json:"overlap"`
}

// rotated is the answer of a secret rotation: the new secret, shown this
// once, and when the previous one stops (absent with overlap 0).
type rotated struct {
	ClientID            string     `json:"client_id"`
	ClientSecret        string     `json:"client_secret"`
	PreviousSecretUntil *time.Time `json:"previous_secret_until,omitempty"`
}

func (s *Surface) rotateSecret(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	var in rotateInput
	if err := decode(r, &in, true); err != nil {
		return err
	}
	overlap := auth.DefaultSecretOverlap
	if d, err := duration("overlap", in.Overlap); err != nil {
		return err
	} else if d != nil {
		overlap = *d
	}
	id := r.PathValue("client")
	rot, err := s.svc.RotateClientSecret(r.Context(), a, t.ID, id, overlap)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, rotated{id, rot.Secret, opt(rot.PreviousUntil)})
}

// apiKey is the answer of an API key rotation: the key, shown this once.
type apiKey struct {
	ClientID string `json:"client_id"`
	APIKey   string `json:"api_key"`
}

func (s *Surface) rotateAPIKey(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	if err := decode(r, &struct{}{}, true); err != nil {
		return err
	}
	id := r.PathValue("client")
	key, err := s.svc.RotateAPIKey(r.Context(), a, t.ID, id)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, apiKey{id, key})
}

func (s *Surface) deleteAPIKey(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteAPIKey(r.Context(), a, t.ID, r.PathValue("client")); err != nil {
		return err
	}
	return noContent(w)
}
