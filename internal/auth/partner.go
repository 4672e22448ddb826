package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// Attributes of a partner's external user.
const (
	// AttrExternalID is the partner's own id of the user (HDI's X-User-Id).
	AttrExternalID = "external_id"
	// AttrPartner is the client id of the partner that created the user.
	AttrPartner = "partner"
)

// PartnerLogin is the login under which partner keeps its external user
// id: a namespace of the partner's own, so that no id a partner sends can
// ever name a local account of the tenant (or another partner's user),
// and so that the answer to an id never depends on whether such an
// account exists (issue 14: no enumeration through X-User-Id).
func PartnerLogin(partner, id string) string { return "partner:" + partner + ":" + id }

// PartnerUser returns the user that partner (a client id) names id in the
// tenant, creating it on first use. A partner may use:
//   - the external users it created (login PartnerLogin(partner, id));
//   - an external user of login or e-mail id that belongs to no partner
//     in particular (created by an operator with `user create --external`,
//     or by a renova before issue 14) or to this partner.
//
// Any other user of that name (a local account, another partner's user)
// is not the partner's: the partner gets a user of its own instead, exactly
// as for an unknown id. Both lookups run whatever the answer, and a
// creation costs the same in every case, so neither the answer nor the
// work tells a partner which names the tenant holds. admit is called
// before a user is created and may refuse (a per-partner creation limit).
func (s *Service) PartnerUser(ctx context.Context, tenantID, partner, id string, admit func() error) (*store.User, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	login := PartnerLogin(partner, id)
	own, errOwn := s.st.UserByLogin(ctx, tenantID, login)
	shared, errShared := s.st.UserByLogin(ctx, tenantID, id)
	for _, err := range []error{errOwn, errShared} {
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, storeErr("load user", err)
		}
	}
	switch {
	case errOwn == nil && own.External && own.Attributes[AttrPartner] == partner:
		return own, nil
	case errShared == nil && shared.External && (shared.Attributes[AttrPartner] == "" || shared.Attributes[AttrPartner] == partner):
		return shared, nil
	case errOwn == nil:
		// An operator took the partner's namespace for something else:
		// refuse rather than hand the partner that account.
		return nil, badCredentials
	}
	if err := admit(); err != nil {
		return nil, err
	}
	u := &store.User{TenantID: tenantID, Login: login, External: true,
		Attributes: map[string]string{AttrExternalID: id, AttrPartner: partner}}
	err := s.NewUser(ctx, u, "")
	if ae := AsError(err); ae != nil && ae.Code == Conflict {
		return s.st.UserByLogin(ctx, tenantID, login) // created concurrently
	}
	return u, err
}

// ExternalID is the id a partner knows u by: its external_id attribute,
// or its login for an external user without one.
func ExternalID(u *store.User) string {
	if id := u.Attributes[AttrExternalID]; id != "" {
		return id
	}
	return u.Login
}

// NamedBy reports whether a partner's id names u the way PartnerUser
// finds it: by its external id, login or e-mail, case-insensitively.
func NamedBy(u *store.User, partner, id string) bool {
	return strings.EqualFold(ExternalID(u), id) || strings.EqualFold(u.Login, id) ||
		strings.EqualFold(u.Login, PartnerLogin(partner, id)) || (u.Email != "" && strings.EqualFold(u.Email, id))
}

// AdmitCreation records one user creation by partner unless max of its
// creations fall in the last window, and otherwise returns how long
// until the oldest of them leaves it (a sliding window). The log is kept
// with the login throttle's counts, so with PostgreSQL every replica
// counts the partner's creations together (issue 14). A store failure
// refuses the creation (503): the limit fails closed, as logins do.
func (s *Service) AdmitCreation(ctx context.Context, partner string, window time.Duration, max int) (time.Duration, error) {
	var wait time.Duration
	err := s.throttleCall(ctx, "admit creation", func(ctx context.Context) (err error) {
		wait, err = s.cfg.Throttle.Admit(ctx, "new_users:"+partner, s.cfg.Now(), window, max)
		return err
	})
	return wait, err
}
