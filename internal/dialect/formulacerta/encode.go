package formulacerta

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/renova-auth/renova/internal/httpx"
)

// loginResult is the seed's LoginResult, the body of every answer, success
// or failure. The zero values of the failure case are what the .NET model
// serialises by default: null strings, DateTimeOffset.MinValue, 0.
type loginResult struct {
	AccessToken        string
	RefreshAccessToken string
	TokenType          string
	Expires            time.Time
	ErrorCode          int
	ClienteID          int64 // the seed spells it ClienteId
	Succeeded          bool
	Errors             []string
}

// jsonResult is LoginResult in Json.NET's shape: members in the seed's
// order, null for an absent string, Errors always a list.
type jsonResult struct {
	AccessToken        *string  `json:"AccessToken"`
	RefreshAccessToken *string  `json:"RefreshAccessToken"`
	TokenType          *string  `json:"TokenType"`
	Expires            string   `json:"Expires"`
	ErrorCode          int      `json:"ErrorCode"`
	ClienteID          int64    `json:"ClienteId"`
	Succeeded          bool     `json:"Succeeded"`
	Errors             []string `json:"Errors"`
}

// jsonTime is Json.NET's DateTimeOffset format: up to seven fractional
// digits, trailing zeros dropped, a numeric offset (seed 002:
// "2024-11-21T08:42:50.8590439+00:00").
const jsonTime = "2006-01-02T15:04:05.9999999-07:00"

// dotNetMin is DateTimeOffset.MinValue, what an unset Expires serialises as.
var dotNetMin = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// expires returns the instant to serialise: UTC, .NET tick precision, the
// .NET minimum when unset.
func (res *loginResult) expires() time.Time {
	if res.Expires.IsZero() {
		return dotNetMin
	}
	return res.Expires.UTC().Truncate(100 * time.Nanosecond)
}

// marshalJSON renders res without HTML escaping or a trailing newline, as
// ASP.NET's JSON formatter does.
func (res *loginResult) marshalJSON() []byte {
	errs := res.Errors
	if errs == nil {
		errs = []string{}
	}
	v := jsonResult{AccessToken: nullable(res.AccessToken), RefreshAccessToken: nullable(res.RefreshAccessToken),
		TokenType: nullable(res.TokenType), Expires: res.expires().Format(jsonTime), ErrorCode: res.ErrorCode,
		ClienteID: res.ClienteID, Succeeded: res.Succeeded, Errors: errs}
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	_ = e.Encode(v) // cannot fail: strings, numbers and a bool
	return bytes.TrimRight(b.Bytes(), "\n")
}

// nullable maps "" to JSON null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// writeResult writes res in the format ASP.NET's content negotiation picks
// (httpx.Negotiate), with the no-store caching of token responses.
func writeResult(w http.ResponseWriter, r *http.Request, status int, res *loginResult) {
	f := httpx.Negotiate(r.Header)
	body := res.marshalJSON()
	if f.XML {
		body = res.marshalXML()
	}
	httpx.WriteBody(w, status, f.MediaType, body)
}
