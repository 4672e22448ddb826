package consinco

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
)

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

// errs is the dialect's error vocabulary: decode errors are
// invalid_request with their own status (400, 413, 415), core errors go
// through statusByCode, anything else is a 500 without detail.
func (s *Surface) errs() httpx.Errors {
	return httpx.Errors{Logger: s.logger, Status: httpx.ByCode(statusByCode), Write: writeError}
}

// writeError writes the OWIN OAuth error ({"error", "error_description"},
// plus renova's reason) in the negotiated format.
func writeError(w http.ResponseWriter, r *http.Request, p httpx.Problem) {
	e := httpx.OAuth(p)
	f := httpx.Negotiate(r.Header)
	if f.XML {
		b, _ := xml.MarshalIndent(e, "", "  ") // plain strings always marshal
		write(w, f.MediaType, p.Status, b)
		return
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(e)
	write(w, f.MediaType, p.Status, bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// write sends a JSON or XML body with a final newline (XML without a
// declaration, as ASP.NET Web API's XmlMediaTypeFormatter writes it).
func write(w http.ResponseWriter, mediaType string, status int, body []byte) {
	httpx.WriteBody(w, status, mediaType, append(body, '\n'))
}
