package auth

import (
	"context"
	"io"

	"github.com/renova-auth/renova/internal/store"
)

// AdminImportUsers is ImportUsers for an administrator: a tenant admin
// imports only into its own tenant, and the call is one audit event (not
// one per user: an import may hold 10^5 of them). Its outcome is a
// failure only when the import stopped early; refused lines are in the
// results, not the trail.
func (s *Service) AdminImportUsers(ctx context.Context, a Actor, tenantID string, r io.Reader, emit func(ImportResult) error) (ImportSummary, error) {
	var sum ImportSummary
	err := error(notFound("tenant"))
	if a.sees(tenantID) {
		sum, err = s.ImportUsers(ctx, tenantID, r, emit)
	}
	return sum, s.audited(ctx, a, store.AuditEvent{Action: "admin.user.imported", TenantID: tenantID}, err)
}
