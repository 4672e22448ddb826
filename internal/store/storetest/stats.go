package storetest

import (
	"testing"

	"github.com/renova-auth/renova/internal/store"
)

// testStats checks Stats after a known number of rows: a size above zero
// and, where the counts are exact, the very counts.
func testStats(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	newSession(t, s, f)
	_, h := newSession(t, s, f)
	_, _, err := rotate(s, t, f, h, t0.Add(1))
	must(t, err)
	must(t, s.AppendAudit(ctx(t), &store.AuditEvent{Time: t0, Action: "a"}, &store.AuditEvent{Time: t0, Action: "b"},
		&store.AuditEvent{Time: t0, Action: "c"}))
	st, err := s.Stats(ctx(t))
	must(t, err)
	if st.Backend == "" || st.DatabaseBytes <= 0 {
		t.Errorf("Stats() = %+v, want a backend and a size", st)
	}
	if st.Estimated {
		return
	}
	if st.Sessions != 2 || st.Tokens != 3 || st.AuditEvents != 3 {
		t.Errorf("Stats() counts = %d sessions, %d tokens, %d audit events; want 2, 3, 3", st.Sessions, st.Tokens, st.AuditEvents)
	}
}
