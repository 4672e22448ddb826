package admin

import (
	"errors"
	"mime"
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// maxImportBody bounds an import's request body. The core reads it line
// by line and stops at auth.MaxImportUsers users; this bound stops a
// stream of blank or refused lines that would otherwise never end.
const maxImportBody = 256 << 20

// importUsers streams POST /tenants/{tenant}/users/import: NDJSON in
// (docs/import.md), NDJSON out, one result per line in line order and a
// last line {"summary": {...}}, the shape of `renova user import --json`.
// The answer starts before the body is read whole, so a failure after the
// first result cuts the stream short instead of turning into a problem.
func (s *Surface) importUsers(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-ndjson" {
		return &httpx.DecodeError{Status: http.StatusUnsupportedMediaType, Field: "Content-Type", Problem: "must be application/x-ndjson"}
	}
	body := http.MaxBytesReader(w, r.Body, maxImportBody)
	out := newStream(w)
	sum, err := s.svc.AdminImportUsers(r.Context(), a, t.ID, body, func(res auth.ImportResult) error { return out.Encode(res) })
	if err == nil {
		err = out.Encode(map[string]auth.ImportSummary{"summary": sum})
	}
	return out.End(r, s.logger, "user import", err, "line", sum.Lines, "created", sum.Created)
}

// maxSessionImportBody bounds a sessions import's body: auth checks the
// whole stream before storing anything, so it is held; MaxSessionImport
// lines of at most 4 KiB.
const maxSessionImportBody = 64 << 20

// importSessions adopts exported legacy sessions offline, POST
// /tenants/{tenant}/sessions/import (issue 15, docs/migration.md): every
// line's client must be one of the tenant's; a bad line imports nothing
// and is named by its number.
func (s *Surface) importSessions(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-ndjson" {
		return &httpx.DecodeError{Status: http.StatusUnsupportedMediaType, Field: "Content-Type", Problem: "must be application/x-ndjson"}
	}
	sum, err := s.svc.ImportSessions(r.Context(), a, t.ID, http.MaxBytesReader(w, r.Body, maxSessionImportBody))
	if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
		return &httpx.DecodeError{Status: http.StatusRequestEntityTooLarge, Field: "body", Problem: "over 64 MiB: split the file"}
	}
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, sum)
}
