package admin

import (
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
)

// auditQuery reads the audit filters of the query string; tenant is a
// slug, resolved (and checked against the actor) here.
func (s *Surface) auditQuery(r *http.Request, a auth.Actor, extra ...string) (auth.AuditQuery, error) {
	q, err := query(r, append([]string{"tenant", "user_id", "client_id", "session_id", "action", "since", "until"}, extra...)...)
	if err != nil {
		return auth.AuditQuery{}, err
	}
	aq := auth.AuditQuery{UserID: q.Get("user_id"), ClientID: q.Get("client_id"), SessionID: q.Get("session_id"),
		Action: q.Get("action"), Cursor: q.Get("cursor")}
	if slug := q.Get("tenant"); slug != "" {
		t, err := s.svc.AdminTenant(r.Context(), a, slug)
		if err != nil {
			return aq, err
		}
		aq.TenantID = t.ID
	}
	if aq.Since, err = queryTime(q, "since"); err != nil {
		return aq, err
	}
	if aq.Until, err = queryTime(q, "until"); err != nil {
		return aq, err
	}
	aq.Limit, err = queryInt(q, "limit")
	return aq, err
}

func (s *Surface) queryAudit(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	aq, err := s.auditQuery(r, a, "cursor", "limit")
	if err != nil {
		return err
	}
	p, err := s.svc.QueryAudit(r.Context(), a, aq)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, listing[AuditEvent]{Items: Each(p.Events, AuditEventOf), Next: p.Next})
}

// exportAudit streams every matching event as NDJSON, newest first, one
// JSON object per line. The core reads page by page, so an export of the
// whole trail never sits in memory. The status is written with the first
// event, so a bad query or an unavailable store before it still gets a
// problem answer; a failure after it can only cut the stream.
func (s *Surface) exportAudit(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	aq, err := s.auditQuery(r, a)
	if err != nil {
		return err
	}
	out := newStream(w)
	err = s.svc.ExportAudit(r.Context(), a, aq, func(e *auth.AuditEvent) error { return out.Encode(AuditEventOf(e)) })
	return out.End(r, s.logger, "audit export", err)
}
