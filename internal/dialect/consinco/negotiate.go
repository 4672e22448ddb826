package consinco

import (
	"cmp"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// format is a negotiated response format: XML or JSON, and the media type
// to write in Content-Type.
type format struct {
	xml       bool
	mediaType string
}

// offers are the response media types in ASP.NET Web API's formatter order
// (JSON formatter first, then XML), which also breaks ties.
var offers = []format{
	{false, "application/json"}, {false, "text/json"},
	{true, "application/xml"}, {true, "text/xml"},
}

// negotiate picks the response format the way ASP.NET Web API's default
// content negotiator does, since the seed is a Web API service:
//  1. an Accept entry naming one of the offers literally (highest q wins,
//     JSON on a tie);
//  2. else an Accept subtype range (application/*, text/*);
//  3. else */* gives JSON;
//  4. else (no usable Accept) the request's own format, so an XML request
//     without Accept is answered in XML;
//  5. else JSON.
func negotiate(r *http.Request) format {
	ranges := parseAccept(r.Header.Values("Accept"))
	if f, ok := bestLiteral(ranges); ok {
		return f
	}
	for _, a := range ranges {
		if strings.HasSuffix(a.mediaType, "/*") && a.mediaType != "*/*" {
			for _, o := range offers {
				if strings.HasPrefix(o.mediaType, strings.TrimSuffix(a.mediaType, "*")) {
					return o
				}
			}
		}
	}
	for _, a := range ranges {
		if a.mediaType == "*/*" {
			return offers[0]
		}
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	for _, o := range offers {
		if strings.EqualFold(mt, o.mediaType) {
			return o
		}
	}
	return offers[0]
}

// acceptRange is one Accept entry with q > 0.
type acceptRange struct {
	mediaType string
	q         float64
}

// parseAccept reads Accept header values, skipping malformed entries and
// entries with q=0, ordered by q (stable, so header order breaks ties).
func parseAccept(values []string) []acceptRange {
	var out []acceptRange
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if s, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
					continue
				}
			}
			if q > 0 {
				out = append(out, acceptRange{strings.ToLower(mt), q})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b acceptRange) int { return cmp.Compare(b.q, a.q) })
	return out
}

// bestLiteral returns the offer named literally with the highest q; each
// formatter answers with the first of its types the client listed, and
// on equal q the JSON formatter wins.
func bestLiteral(ranges []acceptRange) (format, bool) {
	var best format
	bestQ := 0.0
	for _, isXML := range []bool{false, true} {
		for _, a := range ranges {
			o, ok := offer(a.mediaType)
			if ok && o.xml == isXML {
				if a.q > bestQ {
					best, bestQ = o, a.q
				}
				break
			}
		}
	}
	return best, bestQ > 0
}

// offer returns the offer with media type mt.
func offer(mt string) (format, bool) {
	for _, o := range offers {
		if o.mediaType == mt {
			return o, true
		}
	}
	return format{}, false
}
