package consinco

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/auth"
)

// dtoNS is the data-contract namespace of the seed's XML TokenResponse
// (xmlns="http://schemas.datacontract.org/2004/07/Kike.Security.Data.Dto").
const dtoNS = "http://schemas.datacontract.org/2004/07/Kike.Security.Data.Dto"

// xsiNS is the XML Schema instance namespace the seed's root elements
// declare as xmlns:i, as .NET's DataContractSerializer always does.
const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// timeLayout renders .issued and .expires like the seed's
// "2021-01-28T10:31:08.8943474-03:00": seven fractional digits (.NET ticks)
// and a numeric offset.
const timeLayout = "2006-01-02T15:04:05.0000000-07:00"

// tokenResponse is the seed's TokenResponse with every documented field.
// Mapping from the core's records (documented in docs/dialects/consinco.md):
// id and userSequence are both the user's sequence number (the seed
// describes both as "Código sequencial do usuário"); username and loginId
// are both the login name; name is the display name; company is the
// tenant's name (its slug when unnamed) and companyType its type.
type tokenResponse struct {
	AccessToken, TokenType, ExpiresIn, RefreshToken string
	Username                                        string
	ID                                              int64
	Name                                            string
	UserSequence                                    int64
	UserCode, PermissionRole                        string
	Company, CompanyType                            string
	IsExt                                           bool
	LoginID                                         string
	Issued, Expires                                 string
}

// newTokenResponse fills a TokenResponse from a grant, its user and its
// tenant, with times in loc.
func newTokenResponse(g *auth.Grant, u *auth.User, loc *time.Location) *tokenResponse {
	t := &tokenResponse{
		AccessToken: g.AccessToken, TokenType: g.TokenType, ExpiresIn: strconv.FormatInt(g.ExpiresIn(), 10),
		RefreshToken: g.RefreshToken, Issued: g.IssuedAt.In(loc).Format(timeLayout), Expires: g.ExpiresAt.In(loc).Format(timeLayout),
		Username: u.Login, ID: u.Seq, Name: u.Name, UserSequence: u.Seq, UserCode: u.Code,
		PermissionRole: u.PermissionRole, IsExt: u.External, LoginID: u.Login,
	}
	if ten := g.Tenant; ten != nil {
		t.Company, t.CompanyType = ten.Name, ten.Type
		if t.Company == "" {
			t.Company = ten.Slug
		}
	}
	return t
}

// member is one TokenResponse data member: its documented name (the seed's
// field table), the .NET auto-property behind it (the seed's samples spell
// it <prop>k__BackingField), and its value (string, int64 or bool).
type member struct {
	doc, prop string
	value     any
}

// members lists the TokenResponse in the seed's field-table order, which is
// also the order of its JSON sample.
func (t *tokenResponse) members() []member {
	return []member{
		{"access_token", "accessToken", t.AccessToken},
		{"token_type", "tokenType", t.TokenType},
		{"expires_in", "expiresIn", t.ExpiresIn},
		{"refresh_token", "refreshToken", t.RefreshToken},
		{"username", "userName", t.Username},
		{"id", "id", t.ID},
		{"name", "name", t.Name},
		{"userSequence", "seqUser", t.UserSequence},
		{"userCode", "userCode", t.UserCode},
		{"permissionRole", "permissionRole", t.PermissionRole},
		{"company", "company", t.Company},
		{"companyType", "companyType", t.CompanyType},
		{"isExt", "isExt", t.IsExt},
		{"loginId", "loginId", t.LoginID},
		{".issued", "issued", t.Issued},
		{".expires", "expires", t.Expires},
	}
}

// jsonName is a member's JSON key in spelling sp.
func (m member) jsonName(sp Spelling) string {
	if sp == BackingField {
		return "<" + m.prop + ">k__BackingField"
	}
	return m.doc
}

// xmlName is a member's XML element name in spelling sp, encoded as .NET's
// XmlConvert.EncodeLocalName does: '<' and '>' become _x003C_ and _x003E_
// (the seed's sample), and the documented names' leading '.', which cannot
// start an XML name, becomes _x002E_.
func (m member) xmlName(sp Spelling) string {
	if sp == BackingField {
		return "_x003C_" + m.prop + "_x003E_k__BackingField"
	}
	if rest, ok := strings.CutPrefix(m.doc, "."); ok {
		return "_x002E_" + rest
	}
	return m.doc
}

// json renders the response as an object in field-table order, indented
// like the seed's sample and without escaping '<' and '>' in keys.
func (t *tokenResponse) json(sp Spelling) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range t.members() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(marshalJSON(m.jsonName(sp)))
		b.WriteByte(':')
		b.Write(marshalJSON(m.value))
	}
	b.WriteByte('}')
	var out bytes.Buffer
	_ = json.Indent(&out, b.Bytes(), "", "  ") // b is valid JSON by construction
	return out.Bytes()
}

// marshalJSON encodes a string, int64 or bool without HTML escaping.
func marshalJSON(v any) []byte {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	_ = e.Encode(v) // strings, integers and booleans always encode
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// xml renders the response as the DataContractSerializer does: root
// TokenResponse in dtoNS declaring xmlns:i, members sorted ordinally by
// their encoded element names (the seed's sample order).
func (t *tokenResponse) xml(sp Spelling) []byte {
	ms := t.members()
	slices.SortFunc(ms, func(a, b member) int { return strings.Compare(a.xmlName(sp), b.xmlName(sp)) })
	var b bytes.Buffer
	e := xml.NewEncoder(&b)
	e.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "TokenResponse"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "xmlns:i"}, Value: xsiNS}, {Name: xml.Name{Local: "xmlns"}, Value: dtoNS},
	}}
	_ = e.EncodeToken(root) // writes to a buffer: cannot fail
	for _, m := range ms {
		_ = e.EncodeElement(m.value, xml.StartElement{Name: xml.Name{Local: m.xmlName(sp)}})
	}
	_ = e.EncodeToken(root.End())
	_ = e.Flush()
	return b.Bytes()
}
