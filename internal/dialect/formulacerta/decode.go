package formulacerta

import (
	"net/http"
	"strings"

	"github.com/renova-auth/renova/internal/httpx"
)

// bindingNS is the DataContract namespace of the seed's request models
// (seed 002: <AccessTokenBindingModel xmlns="...v2.BindingModels">).
const bindingNS = "http://schemas.datacontract.org/2004/07/FormulaCertaAPI.Models.v2.BindingModels"

// model describes a binding model: its XML root element and its string
// members. Every member is a string in the seed, so one decoder serves both.
type model struct {
	root   string
	fields []string
}

// refreshModel is the seed's AccessTokenBindingModel.
var refreshModel = model{root: "AccessTokenBindingModel", fields: []string{"AccessTokenOld", "AccessTokenRefresh"}}

// loginModel is the login body the seed's API implies (issue 6): UserName
// or Email, and Password. Its XML root follows the seed's naming.
var loginModel = model{root: "LoginBindingModel", fields: []string{"UserName", "Email", "Password"}}

// refreshRequest is a decoded AccessTokenBindingModel.
type refreshRequest struct {
	AccessTokenOld     string
	AccessTokenRefresh string
}

// loginRequest is a decoded LoginBindingModel.
type loginRequest struct {
	UserName string
	Email    string
	Password string
}

// login is the name to look the user up by: UserName, else Email (the core
// accepts either).
func (l loginRequest) login() string {
	if l.UserName != "" {
		return l.UserName
	}
	return l.Email
}

// decodeRefresh reads an AccessTokenBindingModel; both members are required.
func decodeRefresh(r *http.Request) (refreshRequest, error) {
	v, err := decodeFields(r, refreshModel)
	if err != nil {
		return refreshRequest{}, err
	}
	if err := require(v, "AccessTokenOld", "AccessTokenRefresh"); err != nil {
		return refreshRequest{}, err
	}
	return refreshRequest{AccessTokenOld: v["AccessTokenOld"], AccessTokenRefresh: v["AccessTokenRefresh"]}, nil
}

// decodeLogin reads a LoginBindingModel: Password and UserName or Email.
func decodeLogin(r *http.Request) (loginRequest, error) {
	v, err := decodeFields(r, loginModel)
	if err != nil {
		return loginRequest{}, err
	}
	req := loginRequest{UserName: v["UserName"], Email: v["Email"], Password: v["Password"]}
	if req.login() == "" {
		return loginRequest{}, httpx.Bad("UserName", "missing (send UserName or Email)")
	}
	if err := require(v, "Password"); err != nil {
		return loginRequest{}, err
	}
	return req, nil
}

// require refuses a missing or empty member.
func require(v map[string]string, names ...string) error {
	for _, n := range names {
		if v[n] == "" {
			return httpx.Bad(n, "missing")
		}
	}
	return nil
}

// decodeFields decodes the body by its Content-Type into m's members (the
// seed's request formats); any other content type is 415. Unknown members
// are ignored, a member of the wrong type is refused, null is absent.
func decodeFields(r *http.Request, m model) (map[string]string, error) {
	mt := httpx.MediaType(r)
	if mt == "application/x-www-form-urlencoded" {
		return decodeForm(r, m)
	}
	if !isJSON(mt) && !isXML(mt) {
		return nil, &httpx.DecodeError{Status: http.StatusUnsupportedMediaType, Field: "Content-Type",
			Problem: "must be application/json, text/json, application/xml, text/xml or application/x-www-form-urlencoded"}
	}
	body, err := httpx.ReadBody(r)
	if err != nil {
		return nil, err
	}
	if isJSON(mt) {
		return decodeJSON(body, m)
	}
	return decodeXML(body, m)
}

func isJSON(mt string) bool { return mt == "application/json" || mt == "text/json" }

func isXML(mt string) bool { return mt == "application/xml" || mt == "text/xml" }

// decodeJSON reads one JSON object. Member names match case-insensitively,
// as Json.NET binds them; a member given twice, in any spelling, is
// refused rather than picked at random.
func decodeJSON(body []byte, m model) (map[string]string, error) {
	obj, err := httpx.JSONObject(body, httpx.JSONOptions{FoldCase: true, RefuseDuplicates: true})
	if err != nil {
		return nil, err
	}
	return httpx.JSONStrings(obj, m.fields, true)
}

// decodeXML reads a DataContract body (seed 002): the root element in the
// seed's BindingModels namespace or in none, members matched by exact name
// as DataContractSerializer does.
func decodeXML(body []byte, m model) (map[string]string, error) {
	return httpx.DecodeXML(body, httpx.XMLModel{Root: m.root, Namespace: bindingNS, Bare: true, Members: m.fields})
}

// decodeForm reads a strict urlencoded body (duplicates refused). Names
// match case-insensitively, as ASP.NET model binding does; two spellings
// of one member count as a duplicate.
func decodeForm(r *http.Request, m model) (map[string]string, error) {
	form, err := httpx.Form(r)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, vs := range form {
		name := match(m, k)
		if name == "" {
			continue
		}
		if _, dup := out[name]; dup {
			return nil, httpx.Bad(name, "parameter %q given more than once", name)
		}
		out[name] = vs[0]
	}
	return out, nil
}

// match returns the member of m that key names, ignoring case, or "".
func match(m model, key string) string {
	for _, f := range m.fields {
		if strings.EqualFold(f, key) {
			return f
		}
	}
	return ""
}
