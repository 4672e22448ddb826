package httpx

import (
	"cmp"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Format is the response format chosen for an ASP.NET Web API endpoint:
// the media type to write in Content-Type and whether it is XML.
type Format struct {
	MediaType string
	XML       bool
}

// formatters are ASP.NET Web API's default writing formatters in their
// registration order, JSON first, each with its supported media types in
// order. The order breaks every tie.
var formatters = [][]Format{
	{{"application/json", false}, {"text/json", false}},
	{{"application/xml", true}, {"text/xml", true}},
}

// match ranks how a formatter was chosen, as Web API's
// MediaTypeFormatterMatchRanking does (only the rankings that apply here).
type match int

const (
	noMatch     match = iota
	onType            // nothing else matched: the formatter can write the type
	onRequest         // the request's Content-Type is one of its types
	onAllRange        // Accept */*
	onSubRange        // Accept type/*
	onLiteral         // Accept names the media type
	onXHRHeader       // X-Requested-With: XMLHttpRequest (JSON's mapping)
)

// candidate is one formatter's best match.
type candidate struct {
	f    Format
	q    float64
	rank match
}

// Negotiate picks the response format the way ASP.NET Web API's
// DefaultContentNegotiator does, because both .NET vendors (Consinco,
// FormulaCerta) ran it and their clients expect its answers:
//
//  1. the best Accept match by q-value among the formats served; on equal
//     q a literal media type beats type/*, which beats */*, and JSON beats
//     XML;
//  2. else the format of the request body's Content-Type, so an XML
//     request without a usable Accept (HttpClient.PostAsXmlAsync sends
//     none) is answered in XML, text/xml in text/xml;
//  3. else JSON.
//
// A jQuery-style request (X-Requested-With: XMLHttpRequest with no Accept
// or only */*) gets JSON, Web API's one default media type mapping.
func Negotiate(h http.Header) Format {
	if xhr(h) {
		return formatters[0][0]
	}
	accept := acceptRanges(h.Values("Accept"))
	var best candidate
	for _, fs := range formatters {
		c := acceptMatch(accept, fs)
		if c.rank == noMatch {
			c = requestMatch(h.Get("Content-Type"), fs)
		}
		if c.rank > onRequest && best.rank > onRequest {
			if c.q > best.q || (c.q == best.q && c.rank > best.rank) {
				best = c
			}
			continue
		}
		if c.rank > best.rank {
			best = c
		}
	}
	if best.rank == noMatch {
		return formatters[0][0]
	}
	return best.f
}

// xhr reports Web API's XmlHttpRequestHeaderMapping: X-Requested-With:
// XMLHttpRequest and an Accept header that is absent or one */* entry
// (counting every entry, even q=0 or malformed ones, as Web API does).
func xhr(h http.Header) bool {
	if !strings.EqualFold(h.Get("X-Requested-With"), "XMLHttpRequest") {
		return false
	}
	var entries []string
	for _, v := range h.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				entries = append(entries, part)
			}
		}
	}
	if len(entries) == 0 {
		return true
	}
	mt, _, err := mime.ParseMediaType(entries[0])
	return len(entries) == 1 && err == nil && mt == "*/*"
}

// acceptMatch is the formatter's first supported type that the Accept
// ranges, best first, admit.
func acceptMatch(accept []mediaRange, fs []Format) candidate {
	for _, a := range accept {
		for _, f := range fs {
			if rank := a.admits(f.MediaType); rank != noMatch {
				return candidate{f: f, q: a.q, rank: rank}
			}
		}
	}
	return candidate{}
}

// requestMatch matches the request's own Content-Type.
func requestMatch(contentType string, fs []Format) candidate {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return candidate{}
	}
	for _, f := range fs {
		if strings.EqualFold(mt, f.MediaType) {
			return candidate{f: f, q: 1, rank: onRequest}
		}
	}
	return candidate{}
}

// mediaRange is one Accept entry with q > 0.
type mediaRange struct {
	typ, sub string
	q        float64
}

// admits reports how r admits mediaType: literally, as type/* or as */*.
func (r mediaRange) admits(mediaType string) match {
	typ, sub, _ := strings.Cut(mediaType, "/")
	switch {
	case r.typ == "*":
		return onAllRange
	case r.typ != typ:
		return noMatch
	case r.sub == "*":
		return onSubRange
	case r.sub == sub:
		return onLiteral
	}
	return noMatch
}

// specificity ranks "a/b" above "a/*" above "*/*".
func (r mediaRange) specificity() int {
	switch {
	case r.typ == "*":
		return 0
	case r.sub == "*":
		return 1
	}
	return 2
}

// acceptRanges parses Accept header values (RFC 9110 §12.5.1), drops
// malformed entries and those with q=0, and sorts the rest by q, then
// specificity, keeping header order otherwise.
func acceptRanges(values []string) []mediaRange {
	var out []mediaRange
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			typ, sub, ok := strings.Cut(strings.ToLower(mt), "/")
			if err != nil || !ok || (typ == "*" && sub != "*") {
				continue
			}
			if q := quality(params["q"]); q > 0 {
				out = append(out, mediaRange{typ: typ, sub: sub, q: q})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b mediaRange) int {
		if c := cmp.Compare(b.q, a.q); c != 0 {
			return c
		}
		return cmp.Compare(b.specificity(), a.specificity())
	})
	return out
}

// quality reads a q parameter: absent is 1, garbage or out of range 0.
func quality(s string) float64 {
	if s == "" {
		return 1
	}
	q, err := strconv.ParseFloat(s, 64)
	if err != nil || q < 0 || q > 1 {
		return 0
	}
	return q
}
