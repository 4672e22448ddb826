package admin

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// Problem is an RFC 9457 problem details object. Type is stable per kind
// of error (the table in docs/admin.md), Field names the request field at
// fault when there is one, and TraceID ties it to the log.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Field    string `json:"field,omitempty"`
	Instance string `json:"instance,omitempty"`
	TraceID  string `json:"trace_id,omitempty"`
}

// problemBase prefixes every problem type: a URN, so it never pretends to
// be a page that answers.
const problemBase = "urn:renova:problem:"

// kind is one problem type: its status and title.
type kind struct {
	status int
	name   string
	title  string
}

// Problem types, each stable: clients may switch on them.
var (
	kindUnauthorized = kind{http.StatusUnauthorized, "unauthorized", "Missing, invalid or expired access token"}
	kindScope        = kind{http.StatusForbidden, "insufficient-scope", "The access token lacks the needed scope"}
	kindNotFound     = kind{http.StatusNotFound, "not-found", "No such record"}
	kindConflict     = kind{http.StatusConflict, "conflict", "The value is already taken"}
	kindKeyYoung     = kind{http.StatusConflict, "key-too-young", "The next signing key was published too recently"}
	kindInvalid      = kind{http.StatusBadRequest, "invalid-request", "The request is invalid"}
	kindMalformed    = kind{http.StatusBadRequest, "malformed-request", "The request could not be decoded"}
	kindTooLarge     = kind{http.StatusRequestEntityTooLarge, "body-too-large", "The request body is too large"}
	kindMediaType    = kind{http.StatusUnsupportedMediaType, "unsupported-media-type", "The request body has the wrong media type"}
	kindUnavailable  = kind{http.StatusServiceUnavailable, "unavailable", "The service is busy; retry shortly"}
	kindInternal     = kind{http.StatusInternalServerError, "internal", "Internal error"}
)

// classify picks the problem kind of a handler error.
func classify(err error) (kind, *auth.Error, *httpx.DecodeError) {
	if de := httpx.IsDecode(err); de != nil {
		switch de.Status {
		case http.StatusRequestEntityTooLarge:
			return kindTooLarge, nil, de
		case http.StatusUnsupportedMediaType:
			return kindMediaType, nil, de
		}
		return kindMalformed, nil, de
	}
	ae := auth.AsError(err)
	if ae == nil {
		return kindInternal, nil, nil
	}
	k, ok := map[string]kind{
		auth.InvalidToken:           kindUnauthorized,
		auth.InsufficientScope:      kindScope,
		auth.NotFound:               kindNotFound,
		auth.Conflict:               kindConflict,
		auth.InvalidRequest:         kindInvalid,
		auth.TemporarilyUnavailable: kindUnavailable,
	}[ae.Code]
	if ae.Code == auth.Conflict && ae.Reason == "key_too_young" {
		k = kindKeyYoung
	}
	if !ok {
		return kindInternal, nil, nil
	}
	return k, ae, nil
}

// writeError answers err as problem details. An unknown error is logged
// with the trace id and answered with a 500 that says nothing else.
func writeError(logger *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	k, ae, de := classify(err)
	p := Problem{Type: problemBase + k.name, Title: k.title, Status: k.status, Instance: r.URL.Path,
		TraceID: httpx.TraceID(r.Context())}
	switch {
	case de != nil:
		p.Detail, p.Field = de.Error(), de.Field
	case ae != nil:
		p.Detail, p.Field = ae.Description, ae.Field
		if ae.RetryAfter > 0 && (k == kindUnavailable || k == kindKeyYoung) {
			w.Header().Set("Retry-After", httpx.RetryAfter(ae.RetryAfter))
		}
	default:
		httpx.Internal(logger, r, err)
		p.Detail = httpx.InternalMessage(p.TraceID)
	}
	switch k {
	case kindUnauthorized:
		challenge := `Bearer realm="renova-admin"`
		if ae.Reason != "missing" {
			challenge += `, error="invalid_token", error_description="` + ae.Description + `"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	case kindScope:
		w.Header().Set("WWW-Authenticate", `Bearer realm="renova-admin", error="insufficient_scope", scope="`+auth.ScopeAdmin+" "+auth.ScopeAdminAll+`"`)
	}
	writeProblem(w, p)
}

// writeProblem writes p as application/problem+json.
func writeProblem(w http.ResponseWriter, p Problem) {
	body, err := json.Marshal(p)
	if err != nil {
		body = []byte(`{"type":"` + problemBase + `internal","status":500}`)
	}
	httpx.WriteBody(w, p.Status, "application/problem+json", append(body, '\n'))
}

// errNoToken is the answer for a request without credentials; its
// challenge carries no error code (RFC 6750 §3.1).
var errNoToken = &auth.Error{Code: auth.InvalidToken, Reason: "missing", Description: "send an access token as Authorization: Bearer <token>"}

// errBadBearer is the answer for an Authorization header that is not a
// bearer token.
var errBadBearer = &auth.Error{Code: auth.InvalidToken, Description: "send the access token as Authorization: Bearer <token>"}
