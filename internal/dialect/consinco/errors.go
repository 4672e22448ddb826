package consinco

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"math"
	"net/http"
	"strconv"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

// errorBody is the OWIN OAuth error, {"error": "...", "error_description":
// "..."} in JSON, plus renova's stable reason (PRODUCT.md §2 "Unclear
// errors") when the core gives one. In XML it is the same members as
// children of an unqualified <Error> root, the root ASP.NET Web API gives
// its own XML errors.
type errorBody struct {
	XMLName     xml.Name `json:"-" xml:"Error"`
	Error       string   `json:"error" xml:"error"`
	Description string   `json:"error_description,omitempty" xml:"error_description,omitempty"`
	Reason      string   `json:"reason,omitempty" xml:"reason,omitempty"`
}

// statusByCode maps the core's error codes to the statuses seed 001 lists
// (200, 400, 401, 500) plus 503 for a busy store. A dead refresh token and
// bad credentials (invalid_grant) are 401, as the issue asks.
var statusByCode = map[string]int{
	auth.InvalidRequest:         http.StatusBadRequest,
	auth.InvalidGrant:           http.StatusUnauthorized,
	auth.InvalidClient:          http.StatusUnauthorized,
	auth.InvalidToken:           http.StatusUnauthorized,
	auth.UnauthorizedClient:     http.StatusBadRequest,
	auth.UnsupportedGrantType:   http.StatusBadRequest,
	auth.InvalidScope:           http.StatusBadRequest,
	auth.TemporarilyUnavailable: http.StatusServiceUnavailable,
}

// writeError answers err in the negotiated format: decode errors as
// invalid_request with their own status (400, 413, 415), core errors by
// statusByCode, and anything else as a logged 500 without detail.
func (s *Surface) writeError(w http.ResponseWriter, r *http.Request, err error) {
	f := negotiate(r)
	if de := httpx.IsDecode(err); de != nil {
		writeErrorBody(w, f, de.Status, errorBody{Error: auth.InvalidRequest, Description: de.Error()})
		return
	}
	ae := auth.AsError(err)
	status, known := 0, false
	if ae != nil {
		status, known = statusByCode[ae.Code]
	}
	if !known {
		httpx.Internal(s.logger, r, err)
		writeErrorBody(w, f, http.StatusInternalServerError, errorBody{Error: auth.ServerError,
			Description: "internal error; trace id " + httpx.TraceID(r.Context())})
		return
	}
	if ae.Cause != nil {
		s.logger.WarnContext(r.Context(), "request failed", "code", ae.Code, "err", ae.Cause, "trace_id", httpx.TraceID(r.Context()))
	}
	if ae.Code == auth.TemporarilyUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(ae.RetryAfter.Seconds())))))
	}
	writeErrorBody(w, f, status, errorBody{Error: ae.Code, Description: ae.Description, Reason: ae.Reason})
}

// writeErrorBody writes e as JSON or XML.
func writeErrorBody(w http.ResponseWriter, f format, status int, e errorBody) {
	if f.xml {
		b, _ := xml.MarshalIndent(e, "", "  ") // plain strings always marshal
		write(w, f.mediaType, status, b)
		return
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(e)
	write(w, f.mediaType, status, bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// write sends a JSON or XML body (XML without a declaration, as ASP.NET
// Web API's XmlMediaTypeFormatter writes it). Token responses must not be
// cached (RFC 6749 §5.1), and neither are errors.
func write(w http.ResponseWriter, mediaType string, status int, body []byte) {
	body = append(body, '\n')
	h := w.Header()
	h.Set("Content-Type", mediaType+"; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
