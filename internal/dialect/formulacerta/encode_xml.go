package formulacerta

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The DataContract namespaces of seed 002's XML LoginResult.
const (
	resultNS = "http://schemas.datacontract.org/2004/07/FormulaCertaAPI.Models.v2.Result"
	modelsNS = "http://schemas.datacontract.org/2004/07/FormulaCertaAPI.Models"
	arraysNS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
	systemNS = "http://schemas.datacontract.org/2004/07/System"
)

// xmlTime is DataContract's DateTime format: up to seven fractional
// digits, trailing zeros dropped, Z for UTC (seed 002:
// "2024-11-21T08:42:50.8590439Z").
const xmlTime = "2006-01-02T15:04:05.9999999Z07:00"

// marshalXML renders res as DataContractSerializer does, compact, without
// an XML declaration (ASP.NET's XmlMediaTypeFormatter). The seed fixes the
// shape: the base class's members (Errors, Succeeded, namespace
// ...FormulaCertaAPI.Models) first, then LoginResult's own members in
// alphabetical order, in namespace ...Models.v2.Result. ClienteId is not
// in the seed's XML sample (a get-only property DataContract skips), so it
// is JSON only. Expires is a DateTimeOffset: UTC DateTime + OffsetMinutes.
func (res *loginResult) marshalXML() []byte {
	var b strings.Builder
	b.WriteString(`<LoginResult xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="` + resultNS + `">`)
	b.WriteString(`<Errors xmlns:d2p1="` + arraysNS + `" xmlns="` + modelsNS + `"`)
	if len(res.Errors) == 0 {
		b.WriteString(` />`)
	} else {
		b.WriteString(`>`)
		for _, e := range res.Errors {
			b.WriteString(`<d2p1:string>` + xmlEscape(e) + `</d2p1:string>`)
		}
		b.WriteString(`</Errors>`)
	}
	b.WriteString(`<Succeeded xmlns="` + modelsNS + `">` + strconv.FormatBool(res.Succeeded) + `</Succeeded>`)
	xmlString(&b, "AccessToken", res.AccessToken)
	b.WriteString(`<ErrorCode>` + strconv.Itoa(res.ErrorCode) + `</ErrorCode>`)
	b.WriteString(`<Expires xmlns:d2p1="` + systemNS + `"><d2p1:DateTime>` + res.expires().Format(xmlTime) +
		`</d2p1:DateTime><d2p1:OffsetMinutes>0</d2p1:OffsetMinutes></Expires>`)
	xmlString(&b, "RefreshAccessToken", res.RefreshAccessToken)
	xmlString(&b, "TokenType", res.TokenType)
	b.WriteString(`</LoginResult>`)
	return []byte(b.String())
}

// xmlString writes a string member; "" is a null, written as i:nil.
func xmlString(b *strings.Builder, name, v string) {
	if v == "" {
		b.WriteString(`<` + name + ` i:nil="true" />`)
		return
	}
	b.WriteString(`<` + name + `>` + xmlEscape(v) + `</` + name + `>`)
}

// xmlEscape escapes text as .NET's XmlWriter does (&, <, >, CR) and
// replaces characters XML 1.0 cannot carry.
func xmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == utf8.RuneError || (r < 0x20 && r != '\t' && r != '\n') || r == 0xFFFE || r == 0xFFFF:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
