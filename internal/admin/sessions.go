package admin

import (
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
)

func (s *Surface) listSessions(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	q, err := query(r, "user_id", "client_id", "active", "limit")
	if err != nil {
		return err
	}
	sq := auth.SessionQuery{UserID: q.Get("user_id"), ClientID: q.Get("client_id")}
	active, err := queryBool(q, "active")
	if err != nil {
		return err
	}
	sq.Active = active != nil && *active
	if sq.Limit, err = queryInt(q, "limit"); err != nil {
		return err
	}
	ss, err := s.svc.ListSessions(r.Context(), a, t.ID, sq)
	if err != nil {
		return err
	}
	now := s.svc.Now()
	return reply(w, http.StatusOK, listing[Session]{Items: Each(ss, func(x *auth.Session) Session { return SessionOf(x, now) })})
}

func (s *Surface) revokeSession(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	if err := s.svc.AdminRevokeSession(r.Context(), a, t.ID, r.PathValue("session")); err != nil {
		return err
	}
	return noContent(w)
}
