package consinco

import (
	"net/http/httptest"
	"testing"
)

// TestNegotiate checks response format selection against ASP.NET Web
// API's default negotiator: literal Accept entries by q (JSON on a tie),
// then subtype ranges, then */* (JSON), then the request's own format.
func TestNegotiate(t *testing.T) {
	cases := []struct {
		name        string
		accept      string
		contentType string
		want        string
	}{
		{"nothing: JSON", "", "", "application/json"},
		{"no Accept, XML request: XML", "", "application/xml", "application/xml"},
		{"no Accept, text/xml request: text/xml", "", "text/xml; charset=utf-8", "text/xml"},
		{"no Accept, JSON request", "", "text/json", "text/json"},
		{"*/* beats the request's format", "*/*", "application/xml", "application/json"},
		{"application/xml", "application/xml", "application/json", "application/xml"},
		{"text/xml", "text/xml", "", "text/xml"},
		{"text/json", "text/json", "application/xml", "text/json"},
		{"higher q wins", "application/xml;q=0.5, application/json", "", "application/json"},
		{"higher q wins for XML", "application/json;q=0.4, text/xml;q=0.9", "", "text/xml"},
		{"tie goes to JSON", "application/xml, application/json", "", "application/json"},
		{"browser Accept prefers XML", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "", "application/xml"},
		{"subtype range", "text/*", "application/xml", "text/json"},
		{"q=0 is refused", "application/xml;q=0", "", "application/json"},
		{"unknown types fall back to the request", "image/png", "application/xml", "application/xml"},
		{"malformed entries are skipped", "garbage;;, text/xml", "", "text/xml"},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("POST", "/", nil)
		if tc.accept != "" {
			r.Header.Set("Accept", tc.accept)
		}
		if tc.contentType != "" {
			r.Header.Set("Content-Type", tc.contentType)
		}
		if got := negotiate(r); got.mediaType != tc.want {
			t.Errorf("negotiate(%s: Accept %q, Content-Type %q) = %q, want %q", tc.name, tc.accept, tc.contentType, got.mediaType, tc.want)
		}
	}
}
