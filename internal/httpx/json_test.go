package httpx

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"
)

// checkRefusal fails unless err is a bare *DecodeError with status 400 and
// a problem to tell the client.
func checkRefusal(t *testing.T, call string, err error) *DecodeError {
	t.Helper()
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Errorf("%s error = %v (%T), want a *DecodeError", call, err, err)
		return nil
	}
	if de.Status != http.StatusBadRequest || de.Problem == "" {
		t.Errorf("%s = %+v, want status 400 with a problem", call, de)
	}
	return de
}

// raws renders a member map for messages and comparisons.
func raws(m map[string]json.RawMessage) map[string]string {
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

func TestJSONObject(t *testing.T) {
	var (
		none       = JSONOptions{}
		allowEmpty = JSONOptions{AllowEmpty: true}
		refuse     = JSONOptions{RefuseDuplicates: true}
		fold       = JSONOptions{FoldCase: true}
		foldRefuse = JSONOptions{FoldCase: true, RefuseDuplicates: true}
	)
	for _, tc := range []struct {
		name    string
		body    string
		opt     JSONOptions
		want    map[string]string // raw members; nil when refused
		field   string            // the refusal's Field
		problem string            // a substring of the refusal's Problem
	}{
		// empty bodies
		{"empty", "", none, nil, "", "empty"},
		{"only whitespace", " \t\r\n", none, nil, "", "empty"},
		{"only BOM", "\xEF\xBB\xBF", none, nil, "", "empty"},
		{"empty allowed", "", allowEmpty, map[string]string{}, "", ""},
		{"whitespace allowed", "\n  ", allowEmpty, map[string]string{}, "", ""},
		{"BOM allowed as empty", "\xEF\xBB\xBF", allowEmpty, map[string]string{}, "", ""},
		{"empty object", "{}", none, map[string]string{}, "", ""},
		{"AllowEmpty still reads a body", `{"a":"1"}`, allowEmpty, map[string]string{"a": `"1"`}, "", ""},
		{"AllowEmpty does not allow null", "null", allowEmpty, nil, "", "must be a JSON object"},

		// the object
		{"members", `{"a":"1","b":"2"}`, none, map[string]string{"a": `"1"`, "b": `"2"`}, "", ""},
		{"BOM skipped", "\xEF\xBB\xBF{\"a\":\"1\"}", none, map[string]string{"a": `"1"`}, "", ""},
		{"surrounding whitespace", "\r\n\t {\"a\" : \"1\" }\n", none, map[string]string{"a": `"1"`}, "", ""},
		{"nested values kept raw", `{"o":{"b":[1, 2]},"l":[{"x":null}],"n":1.50,"t":true,"z":null}`, none,
			map[string]string{"o": `{"b":[1, 2]}`, "l": `[{"x":null}]`, "n": `1.50`, "t": `true`, "z": `null`}, "", ""},
		{"escaped name", `{"\u0061b":"1"}`, none, map[string]string{"ab": `"1"`}, "", ""},
		{"names kept as written under FoldCase", `{"UserName":"x"}`, fold, map[string]string{"UserName": `"x"`}, "", ""},

		// not an object
		{"array", `[{"a":1}]`, none, nil, "", "must be a JSON object"},
		{"string", `"a"`, none, nil, "", "must be a JSON object"},
		{"number", `12`, none, nil, "", "must be a JSON object"},
		{"true", `true`, none, nil, "", "must be a JSON object"},
		{"null", `null`, none, nil, "", "must be a JSON object"},

		// malformed
		{"word", `hello`, none, nil, "", "malformed"},
		{"open brace", `{`, none, nil, "", "malformed"},
		{"name without value", `{"a"}`, none, nil, "", "malformed"},
		{"colon without value", `{"a":}`, none, nil, "", "malformed"},
		{"trailing comma", `{"a":1,}`, none, nil, "", "malformed"},
		{"leading comma", `{,"a":1}`, none, nil, "", "malformed"},
		{"missing comma", `{"a":1 "b":2}`, none, nil, "", "malformed"},
		{"single quotes", `{'a':1}`, none, nil, "", "malformed"},
		{"bare name", `{a:1}`, none, nil, "", "malformed"},
		{"number name", `{1:2}`, none, nil, "", "malformed"},
		{"unclosed nested", `{"a":[1,}`, none, nil, "", "malformed"},
		{"unclosed string", `{"a":"x}`, none, nil, "", "malformed"},
		{"unterminated object", `{"a":1`, none, nil, "", "malformed"},
		{"bad literal", `{"a":tru}`, none, nil, "", "malformed"},
		{"comment", `{"a":1 /* c */}`, none, nil, "", "malformed"},

		// data after the object
		{"second object", `{}{}`, none, nil, "", "after the JSON object"},
		{"second object on next line", "{\"a\":1}\n{\"a\":2}", none, nil, "", "after the JSON object"},
		{"array after", `{} []`, none, nil, "", "after the JSON object"},
		{"word after", `{"a":1} x`, none, nil, "", ""},
		{"brace after", `{"a":1}}`, none, nil, "", ""},

		// duplicates
		{"duplicate kept last", `{"a":"1","a":"2"}`, none, map[string]string{"a": `"2"`}, "", ""},
		{"duplicate refused", `{"a":"1","a":"2"}`, refuse, nil, "a", "more than once"},
		{"escaped duplicate refused", `{"a":"1","\u0061":"2"}`, refuse, nil, "a", "more than once"},
		{"duplicate of null refused", `{"a":null,"a":"2"}`, refuse, nil, "a", "more than once"},
		{"nested duplicate is not ours", `{"o":{"a":1,"a":2}}`, refuse, map[string]string{"o": `{"a":1,"a":2}`}, "", ""},
		{"two spellings are two members without FoldCase", `{"UserName":"x","username":"y"}`, refuse,
			map[string]string{"UserName": `"x"`, "username": `"y"`}, "", ""},
		{"two spellings kept under FoldCase without refusing", `{"UserName":"x","username":"y"}`, fold,
			map[string]string{"UserName": `"x"`, "username": `"y"`}, "", ""},
		{"two spellings refused under FoldCase", `{"UserName":"x","username":"y"}`, foldRefuse, nil, "username", "more than once"},
		{"upper case spelling refused under FoldCase", `{"password":"x","PASSWORD":"y"}`, foldRefuse, nil, "PASSWORD", "more than once"},
		{"distinct names under FoldCase", `{"a":"x","b":"y"}`, foldRefuse, map[string]string{"a": `"x"`, "b": `"y"`}, "", ""},
	} {
		got, err := JSONObject([]byte(tc.body), tc.opt)
		if tc.want != nil {
			if err != nil || !maps.Equal(raws(got), tc.want) {
				t.Errorf("JSONObject(%q, %+v) [%s] = %v, %v, want %v", tc.body, tc.opt, tc.name, raws(got), err, tc.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("JSONObject(%q, %+v) [%s] = %v, nil, want refused", tc.body, tc.opt, tc.name, raws(got))
			continue
		}
		de := checkRefusal(t, "JSONObject("+tc.name+")", err)
		if de == nil {
			continue
		}
		if de.Field != tc.field || !strings.Contains(de.Problem, tc.problem) {
			t.Errorf("JSONObject(%q, %+v) [%s] = %+v, want field %q and problem containing %q",
				tc.body, tc.opt, tc.name, de, tc.field, tc.problem)
		}
		if got != nil {
			t.Errorf("JSONObject(%q) [%s] returned members %v with its error", tc.body, tc.name, raws(got))
		}
	}
}

// TestJSONObjectWhitespace: only RFC 8259's white space (space, tab, CR,
// LF) may surround the object; \v, \f and Unicode spaces (U+00A0 NBSP,
// U+0085 NEL, U+2028, U+3000, ...) are not JSON.
func TestJSONObjectWhitespace(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		ok   bool
	}{
		{"json whitespace", " \t\r\n{} \t\r\n", true},
		{"NBSP after", "{}\u00a0", false},
		{"NBSP before", "\u00a0{}", false},
		{"NEL after", "{}\u0085", false},
		{"line separator after", "{}\u2028", false},
		{"ideographic space before", "\u3000{}", false},
		{"vertical tab after", "{}\v", false},
		{"form feed before", "\f{}", false},
	} {
		_, err := JSONObject([]byte(tc.body), JSONOptions{})
		if (err == nil) != tc.ok {
			t.Errorf("JSONObject(%q) [%s] error = %v, want ok=%v", tc.body, tc.name, err, tc.ok)
		}
		var v struct{}
		err = DecodeJSON([]byte(tc.body), &v, JSONOptions{})
		if (err == nil) != tc.ok {
			t.Errorf("DecodeJSON(%q) [%s] error = %v, want ok=%v", tc.body, tc.name, err, tc.ok)
		}
	}
}

type loginBody struct {
	User string `json:"user"`
	Pass string `json:"pass"`
}

func TestDecodeJSON(t *testing.T) {
	refuse := JSONOptions{RefuseDuplicates: true}
	for _, tc := range []struct {
		name    string
		body    string
		opt     JSONOptions
		want    loginBody
		ok      bool
		field   string // refusal's Field
		problem string // refusal's Problem, exactly when it is a type error
		gotType string // refusal's Got
	}{
		{"both", `{"user":"a","pass":"b"}`, JSONOptions{}, loginBody{"a", "b"}, true, "", "", ""},
		{"BOM", "\xEF\xBB\xBF{\"user\":\"a\"}", JSONOptions{}, loginBody{User: "a"}, true, "", "", ""},
		{"unknown members ignored", `{"user":"a","extra":{"x":[1,{"y":2}]},"n":5}`, JSONOptions{}, loginBody{User: "a"}, true, "", "", ""},
		{"null leaves empty", `{"user":null,"pass":"b"}`, JSONOptions{}, loginBody{Pass: "b"}, true, "", "", ""},
		{"escapes", `{"user":"a\u00e9\n"}`, JSONOptions{}, loginBody{User: "aé\n"}, true, "", "", ""},
		{"empty object", `{}`, JSONOptions{}, loginBody{}, true, "", "", ""},
		{"empty allowed", ``, JSONOptions{AllowEmpty: true}, loginBody{}, true, "", "", ""},
		{"duplicate keeps last without option", `{"user":"a","user":"b"}`, JSONOptions{}, loginBody{User: "b"}, true, "", "", ""},
		{"distinct members with option", `{"user":"a","pass":"b"}`, refuse, loginBody{"a", "b"}, true, "", "", ""},

		{"number", `{"user":5}`, JSONOptions{}, loginBody{}, false, "user", "must be a string", "number"},
		{"negative number", `{"pass":-1.5}`, JSONOptions{}, loginBody{}, false, "pass", "must be a string", "number"},
		{"bool", `{"user":true}`, JSONOptions{}, loginBody{}, false, "user", "must be a string", "bool"},
		{"object", `{"user":{"a":"b"}}`, JSONOptions{}, loginBody{}, false, "user", "must be a string", "object"},
		{"array", `{"user":["a"]}`, JSONOptions{}, loginBody{}, false, "user", "must be a string", "array"},
		{"wrong type after a good member", `{"user":"a","pass":false}`, JSONOptions{}, loginBody{}, false, "pass", "must be a string", "bool"},

		{"empty", ``, JSONOptions{}, loginBody{}, false, "", "", ""},
		{"not an object", `["a"]`, JSONOptions{}, loginBody{}, false, "", "", ""},
		{"null body", `null`, JSONOptions{}, loginBody{}, false, "", "", ""},
		{"malformed", `{"user":"a"`, JSONOptions{}, loginBody{}, false, "", "", ""},
		{"trailing object", `{"user":"a"}{"user":"b"}`, JSONOptions{}, loginBody{}, false, "", "", ""},
		{"trailing word", `{"user":"a"} trailing`, JSONOptions{}, loginBody{}, false, "", "", ""},
		{"trailing object with option", `{"user":"a"}{}`, refuse, loginBody{}, false, "", "", ""},
		{"duplicate refused with option", `{"user":"a","user":"b"}`, refuse, loginBody{}, false, "user", "", ""},
	} {
		var got loginBody
		err := DecodeJSON([]byte(tc.body), &got, tc.opt)
		if tc.ok {
			if err != nil || got != tc.want {
				t.Errorf("DecodeJSON(%q, %+v) [%s] = %+v, %v, want %+v", tc.body, tc.opt, tc.name, got, err, tc.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("DecodeJSON(%q, %+v) [%s] = %+v, nil, want refused", tc.body, tc.opt, tc.name, got)
			continue
		}
		de := checkRefusal(t, "DecodeJSON("+tc.name+")", err)
		if de == nil {
			continue
		}
		if de.Field != tc.field || de.Got != tc.gotType || (tc.problem != "" && de.Problem != tc.problem) {
			t.Errorf("DecodeJSON(%q) [%s] = %+v, want Field %q, Problem %q, Got %q",
				tc.body, tc.name, de, tc.field, tc.problem, tc.gotType)
		}
	}
}

// TestDecodeJSONDuplicateSpellings: encoding/json binds both spellings of a
// name into one field, so under RefuseDuplicates {"user":"a","USER":"b"}
// must be refused, not read as user=b; also for spellings that
// strings.ToLower keeps apart but encoding/json folds together ("uſer",
// U+017F).
func TestDecodeJSONDuplicateSpellings(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		opt  JSONOptions
	}{
		{"case spellings with RefuseDuplicates", `{"user":"a","USER":"b"}`, JSONOptions{RefuseDuplicates: true}},
		{"long s with FoldCase and RefuseDuplicates", `{"user":"a","u\u017fer":"b"}`, JSONOptions{FoldCase: true, RefuseDuplicates: true}},
	} {
		var got loginBody
		err := DecodeJSON([]byte(tc.body), &got, tc.opt)
		if err == nil {
			t.Errorf("DecodeJSON(%q, %+v) [%s] = %+v, nil, want refused: two spellings filled one field", tc.body, tc.opt, tc.name, got)
			continue
		}
		checkRefusal(t, "DecodeJSON("+tc.name+")", err)
	}
}

func TestJSONStrings(t *testing.T) {
	names := []string{"userName", "password"}
	for _, tc := range []struct {
		name    string
		obj     map[string]string // raw members
		fold    bool
		want    map[string]string // nil when refused
		field   string
		gotType string
	}{
		{"exact", map[string]string{"userName": `"a"`, "password": `"p"`}, false, map[string]string{"userName": "a", "password": "p"}, "", ""},
		{"exact ignores other spellings", map[string]string{"UserName": `"a"`}, false, map[string]string{}, "", ""},
		{"exact keeps only its spelling", map[string]string{"userName": `"a"`, "USERNAME": `"b"`}, false, map[string]string{"userName": "a"}, "", ""},
		{"fold returns the names' spelling", map[string]string{"USERNAME": `"a"`, "Password": `"p"`}, true, map[string]string{"userName": "a", "password": "p"}, "", ""},
		{"fold two spellings refused", map[string]string{"userName": `"a"`, "USERNAME": `"b"`}, true, nil, "userName", ""},
		{"fold long s spelling refused", map[string]string{"password": `"a"`, "pa\u017fsword": `"b"`}, true, nil, "password", ""},
		{"unknown members ignored whatever their type", map[string]string{"other": `5`, "more": `{"a":1}`}, false, map[string]string{}, "", ""},
		{"null is absent", map[string]string{"userName": `null`}, false, map[string]string{}, "", ""},
		{"null spelling does not count as a duplicate", map[string]string{"userName": `null`, "USERNAME": `"b"`}, true, map[string]string{"userName": "b"}, "", ""},
		{"empty string is present", map[string]string{"userName": `""`}, false, map[string]string{"userName": ""}, "", ""},
		{"escapes decoded", map[string]string{"userName": `"a\u00e9\"b"`}, false, map[string]string{"userName": `aé"b`}, "", ""},
		{"number", map[string]string{"userName": `5`}, false, nil, "userName", "number"},
		{"negative number", map[string]string{"userName": `-0.5`}, false, nil, "userName", "number"},
		{"true", map[string]string{"password": `true`}, false, nil, "password", "bool"},
		{"false", map[string]string{"password": `false`}, false, nil, "password", "bool"},
		{"object", map[string]string{"password": `{"a":"b"}`}, false, nil, "password", "object"},
		{"array", map[string]string{"password": `["a"]`}, false, nil, "password", "array"},
		{"folded name wrong type", map[string]string{"PASSWORD": `1`}, true, nil, "password", "number"},
	} {
		obj := map[string]json.RawMessage{}
		for k, v := range tc.obj {
			obj[k] = json.RawMessage(v)
		}
		got, err := JSONStrings(obj, names, tc.fold)
		if tc.want != nil {
			if err != nil || !maps.Equal(got, tc.want) {
				t.Errorf("JSONStrings(%v, fold=%v) [%s] = %v, %v, want %v", tc.obj, tc.fold, tc.name, got, err, tc.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("JSONStrings(%v, fold=%v) [%s] = %v, nil, want refused", tc.obj, tc.fold, tc.name, got)
			continue
		}
		de := checkRefusal(t, "JSONStrings("+tc.name+")", err)
		if de == nil {
			continue
		}
		if de.Field != tc.field || de.Got != tc.gotType {
			t.Errorf("JSONStrings(%v) [%s] = %+v, want Field %q, Got %q", tc.obj, tc.name, de, tc.field, tc.gotType)
		}
		if tc.gotType != "" && de.Problem != "must be a string" {
			t.Errorf("JSONStrings(%v) [%s] problem = %q, want %q", tc.obj, tc.name, de.Problem, "must be a string")
		}
	}
}

// TestJSONFoldPipeline is what the .NET surfaces run (JSONObject under
// FoldCase and RefuseDuplicates, then JSONStrings with fold): every two
// spellings of one member are refused, whichever step catches them.
func TestJSONFoldPipeline(t *testing.T) {
	names := []string{"userName", "password", "key"}
	opt := JSONOptions{FoldCase: true, RefuseDuplicates: true}
	for _, tc := range []struct {
		name string
		body string
		want map[string]string // nil when refused
	}{
		{"one spelling", `{"USERNAME":"a","Password":"p"}`, map[string]string{"userName": "a", "password": "p"}},
		{"ascii case", `{"userName":"a","username":"b"}`, nil},
		{"long s", `{"password":"a","pa\u017fsword":"b"}`, nil},
		{"kelvin sign", `{"key":"a","\u212aey":"b"}`, nil},
		{"null and value", `{"userName":null,"USERNAME":"b"}`, nil},
	} {
		obj, err := JSONObject([]byte(tc.body), opt)
		var got map[string]string
		if err == nil {
			got, err = JSONStrings(obj, names, true)
		}
		if tc.want == nil {
			if err == nil {
				t.Errorf("JSONObject+JSONStrings(%q) [%s] = %v, nil, want refused", tc.body, tc.name, got)
			} else {
				checkRefusal(t, "JSONObject+JSONStrings("+tc.name+")", err)
			}
			continue
		}
		if err != nil || !maps.Equal(got, tc.want) {
			t.Errorf("JSONObject+JSONStrings(%q) [%s] = %v, %v, want %v", tc.body, tc.name, got, err, tc.want)
		}
	}
}

func FuzzJSONObject(f *testing.F) {
	for _, seed := range []string{
		``, ` `, "\xEF\xBB\xBF", "\xEF\xBB\xBF{}", `{}`, `{"a":"b"}`, `{"a":1,"a":2}`,
		`{"UserName":"x","username":"y"}`, `{"a":{"b":[1,2,{"c":null}]}}`, `[]`, `null`, `"s"`, `1e5`,
		`{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{}{}`, `{} x`, `{"\u0061":1,"a":2}`,
		`{"a":"\ud800"}`, "{\"a\":\"\xff\"}", `{"a":[[[[[[[[[[]]]]]]]]]]}`, "{}\u00a0", `{"pa\u017fsword":1,"password":2}`,
	} {
		f.Add([]byte(seed), false, false, false)
		f.Add([]byte(seed), true, true, true)
	}
	names := []string{"a", "userName", "password"}
	f.Fuzz(func(t *testing.T, body []byte, foldCase, refuse, allowEmpty bool) {
		opt := JSONOptions{FoldCase: foldCase, RefuseDuplicates: refuse, AllowEmpty: allowEmpty}
		obj, err := JSONObject(body, opt)
		if err != nil {
			de, ok := err.(*DecodeError)
			if !ok || de.Status != http.StatusBadRequest || de.Problem == "" {
				t.Fatalf("JSONObject(%q, %+v) error = %#v, want a 400 *DecodeError with a problem", body, opt, err)
			}
			if obj != nil {
				t.Fatalf("JSONObject(%q, %+v) = %v with error %v", body, opt, raws(obj), err)
			}
			return
		}
		if obj == nil {
			t.Fatalf("JSONObject(%q, %+v) = nil, nil", body, opt)
		}
		seen := map[string]bool{}
		for k, v := range obj {
			if !json.Valid(v) {
				t.Fatalf("JSONObject(%q) member %q = %q, not valid JSON", body, k, v)
			}
			key := k
			if foldCase {
				key = strings.ToLower(k)
			}
			if refuse && seen[key] {
				t.Fatalf("JSONObject(%q, %+v) kept two spellings of %q", body, opt, key)
			}
			seen[key] = true
		}
		for _, fold := range []bool{false, true} {
			if _, err := JSONStrings(obj, names, fold); err != nil {
				if de, ok := err.(*DecodeError); !ok || de.Status != http.StatusBadRequest || de.Problem == "" {
					t.Fatalf("JSONStrings(%v, %v) error = %#v, want a 400 *DecodeError", raws(obj), fold, err)
				}
			}
		}
	})
}
