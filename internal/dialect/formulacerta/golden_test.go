package formulacerta_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
)

// goldenCase is one exchange recorded as testdata/<name>.txtar. body gets
// a fresh login (access + refresh token) to build the request from.
type goldenCase struct {
	name   string
	path   string
	ct     string
	accept string
	body   func(fresh result) string
}

// fromSeed substitutes real tokens for the seed sample's placeholders.
func fromSeed(sample string) func(result) string {
	return func(r result) string {
		return strings.NewReplacer("sample string 1", r.AccessToken, "sample string 2", r.RefreshAccessToken).Replace(sample)
	}
}

func fixed(s string) func(result) string { return func(result) string { return s } }

// TestGolden replays the seed's request samples (real values substituted)
// and the other formats, success and failure, in JSON and XML, against
// testdata/*.txtar. Run with -update to rewrite, then read the files.
func TestGolden(t *testing.T) {
	env := start(t)
	creds := map[string]string{"UserName": userLogin, "Password": userPass}
	wrong := map[string]string{"UserName": userLogin, "Password": "wrong password"}
	forged := func(r result) string {
		return jsonBody(map[string]string{"AccessTokenOld": "sample string 1", "AccessTokenRefresh": r.RefreshAccessToken})
	}
	cases := []goldenCase{
		{"login_json", loginPath, ctJSON, "", fixed(jsonBody(creds))},
		{"login_xml", loginPath, "text/xml", "application/xml", fixed(xmlBody("LoginBindingModel", creds))},
		{"login_form_email", loginPath, ctForm, "", fixed(formBody(map[string]string{"Email": userEmail, "Password": userPass}))},
		{"login_bad_credentials_json", loginPath, ctJSON, "", fixed(jsonBody(wrong))},
		{"login_bad_credentials_xml", loginPath, ctXML, "text/xml", fixed(xmlBody("LoginBindingModel", wrong))},
		{"refresh_seed_json", refreshPath, "text/json", "", fromSeed(seed(t, "seed_request.json"))},
		{"refresh_seed_xml", refreshPath, ctXML, "application/xml", fromSeed(seed(t, "seed_request.xml"))},
		{"refresh_seed_xml_no_accept", refreshPath, "text/xml; charset=utf-8", "", fromSeed(seed(t, "seed_request.xml"))},
		{"refresh_form", refreshPath, ctForm, "", func(r result) string {
			return formBody(map[string]string{"AccessTokenOld": r.AccessToken, "AccessTokenRefresh": r.RefreshAccessToken})
		}},
		{"refresh_forged_json", refreshPath, ctJSON, "", forged},
		{"refresh_forged_xml", refreshPath, ctXML, ctXML, fromSeed(strings.Replace(seed(t, "seed_request.xml"), "sample string 1", "eyJhbGciOiJub25lIn0.e30.", 1))},
		{"refresh_missing_field_xml", refreshPath, ctXML, ctXML, fixed(`<AccessTokenBindingModel xmlns="http://schemas.datacontract.org/2004/07/FormulaCertaAPI.Models.v2.BindingModels"><AccessTokenOld>x</AccessTokenOld></AccessTokenBindingModel>`)},
		{"refresh_unsupported_media_type", refreshPath, "text/plain", "", fixed("AccessTokenOld=x")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body(login(t, env))
			h := http.Header{"Content-Type": {tc.ct}}
			if tc.accept != "" {
				h.Set("Accept", tc.accept)
			}
			resp := env.Post(t, tc.path, "", body, h)
			got := apptest.Transcript(http.MethodPost, tc.path, h, body, resp, "Content-Type", "Cache-Control", "Retry-After")
			apptest.Golden(t, "testdata/"+tc.name+".txtar", got)
		})
	}
}
