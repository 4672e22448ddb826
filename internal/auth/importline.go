package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/renova-auth/renova/internal/password"
	"github.com/renova-auth/renova/internal/store"
)

// Stable codes of a refused import line (docs/import.md): the admin API
// and the CLI print them as they are, so a script can act on them.
const (
	ImportInvalidJSON       = "invalid_json"            // not one JSON object
	ImportLineTooLong       = "line_too_long"           // over MaxImportLineBytes
	ImportUnknownField      = "unknown_field"           // a field the format does not have
	ImportInvalidField      = "invalid_field"           // a field of the wrong type or value
	ImportMissingField      = "missing_field"           // login is empty
	ImportUnsupportedHash   = "unsupported_hash_format" // a hash renova cannot verify
	ImportInvalidHash       = "invalid_hash"            // a supported format, malformed or too costly
	ImportDuplicateLogin    = "duplicate_login"         // the login of an earlier line of this import
	ImportLoginTaken        = "login_taken"             // the login of a user of the tenant
	ImportTooManyUsers      = "too_many_users"          // past MaxImportUsers; nothing more was read
	ImportMisplacedOptions  = "misplaced_options"       // import_options past line 1
	maxLoginBytes           = 256
	maxProfileFieldBytes    = 1024
	keycloakPasswordType    = "password"
	importFieldHashOptions  = "import_options.firebase_scrypt"
	importFieldPasswordHash = "password_hash"
)

// importLine is one line of an import: a user, or on line 1 only the
// import's options. Field names are snake_case; a field not listed here
// is refused, so a typo never drops data silently.
type importLine struct {
	Login          string            `json:"login"`
	Email          string            `json:"email"`
	Name           string            `json:"name"`
	Roles          []string          `json:"roles"`
	Attributes     map[string]string `json:"attributes"`
	Code           string            `json:"code"`
	PermissionRole string            `json:"permission_role"`
	Disabled       bool              `json:"disabled"`
	PasswordHash   string            `json:"password_hash"`
	Keycloak       json.RawMessage   `json:"keycloak_credential"` // keycloakCredential, read leniently
	Firebase       *firebaseHash     `json:"firebase_scrypt"`
	Options        *ImportOptions    `json:"import_options"`
}

// ImportOptions are the settings of one import, given as line 1:
// {"import_options": {...}}.
type ImportOptions struct {
	// Firebase is the Firebase project's password hash parameters, which
	// every firebase_scrypt line needs.
	Firebase *FirebaseParams `json:"firebase_scrypt"`
}

// FirebaseParams are a Firebase project's password hash parameters as its
// console shows them (base64 signer key and salt separator).
type FirebaseParams struct {
	SignerKey     string `json:"signer_key"`
	SaltSeparator string `json:"salt_separator"`
	Rounds        int    `json:"rounds"`
	MemCost       int    `json:"mem_cost"`
}

// firebaseHash is a user's hash and salt as Firebase exports them
// (auth:export's passwordHash and salt, standard base64).
type firebaseHash struct {
	Hash string `json:"hash"`
	Salt string `json:"salt"`
}

// keycloakCredential is a password credential as a Keycloak realm export
// or its admin API writes it. secretData and credentialData are JSON
// documents inside JSON strings there; an object is taken too. Its other
// fields (id, createdDate, userLabel, ...) are ignored.
type keycloakCredential struct {
	Type           string          `json:"type"`
	SecretData     json.RawMessage `json:"secretData"`
	CredentialData json.RawMessage `json:"credentialData"`
}

// lineError is why one line was refused: a stable code, the field at
// fault ("" for the line as a whole) and a message naming it.
type lineError struct {
	code, field, msg string
}

func (e *lineError) Error() string { return e.msg }

func fieldErr(code, field, format string, args ...any) *lineError {
	return &lineError{code: code, field: field, msg: fmt.Sprintf(format, args...)}
}

// decodeLine parses one line strictly: one JSON object, known fields of
// the right types, nothing after it.
func decodeLine(b []byte) (*importLine, *lineError) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var l importLine
	if err := dec.Decode(&l); err != nil {
		return nil, jsonErr(err)
	}
	if dec.More() {
		return nil, fieldErr(ImportInvalidJSON, "", "the line holds more than one JSON value")
	}
	return &l, nil
}

// jsonErr names the field of a decoding error when the decoder knows it.
func jsonErr(err error) *lineError {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fieldErr(ImportInvalidField, typ.Field, "field %s must be %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		return fieldErr(ImportUnknownField, f, "unknown field %q", f)
	}
	return fieldErr(ImportInvalidJSON, "", "the line is not a JSON object: %v", err)
}

// jsonKind names a Go kind as JSON calls it.
func jsonKind(k string) string {
	switch k {
	case "slice":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	case "bool":
		return "a boolean"
	case "int", "int64":
		return "a number"
	}
	return "a " + k
}

// user checks l and returns the user it describes, its password hash in
// a stored format Verify reads.
func (l *importLine) user(opt *ImportOptions) (*store.User, *lineError) {
	if err := l.checkProfile(); err != nil {
		return nil, err
	}
	hash, err := l.hash(opt)
	if err != nil {
		return nil, err
	}
	return &store.User{Login: l.Login, Email: l.Email, Name: l.Name, Roles: l.Roles, Attributes: l.Attributes,
		Code: l.Code, PermissionRole: l.PermissionRole, Disabled: l.Disabled, PasswordHash: hash}, nil
}

// checkProfile checks the login and the bounded text fields.
func (l *importLine) checkProfile() *lineError {
	l.Login = strings.TrimSpace(l.Login)
	switch {
	case l.Options != nil:
		return fieldErr(ImportMisplacedOptions, "import_options", "import_options goes alone on line 1")
	case l.Login == "":
		return fieldErr(ImportMissingField, "login", "login is required")
	case len(l.Login) > maxLoginBytes || strings.IndexFunc(l.Login, unicode.IsControl) >= 0:
		return fieldErr(ImportInvalidField, "login", "login must be at most %d bytes without control characters", maxLoginBytes)
	case l.Email != "" && (!strings.Contains(l.Email, "@") || len(l.Email) > maxLoginBytes):
		return fieldErr(ImportInvalidField, "email", "email must be an address of at most %d bytes", maxLoginBytes)
	}
	for field, v := range map[string]string{"name": l.Name, "code": l.Code, "permission_role": l.PermissionRole} {
		if len(v) > maxProfileFieldBytes {
			return fieldErr(ImportInvalidField, field, "%s must be at most %d bytes", field, maxProfileFieldBytes)
		}
	}
	return nil
}

// hash returns the stored form of the line's password hash; "" for a
// user without a password (who logs in once an admin sets one).
func (l *importLine) hash(opt *ImportOptions) (string, *lineError) {
	given := 0
	kc := len(l.Keycloak) > 0 && string(l.Keycloak) != "null"
	for _, set := range []bool{l.PasswordHash != "", kc, l.Firebase != nil} {
		if set {
			given++
		}
	}
	switch {
	case given > 1:
		return "", fieldErr(ImportInvalidField, importFieldPasswordHash, "give one of password_hash, keycloak_credential and firebase_scrypt")
	case kc:
		return keycloakHash(l.Keycloak)
	case l.Firebase != nil:
		return l.Firebase.stored(opt)
	case l.PasswordHash == "":
		return "", nil
	}
	if err := password.CheckImported(l.PasswordHash); err != nil {
		return "", hashErr(importFieldPasswordHash, err)
	}
	return l.PasswordHash, nil
}

// hashErr turns a password package error into the line's error.
func hashErr(field string, err error) *lineError {
	code := ImportInvalidHash
	if errors.Is(err, password.ErrUnsupported) {
		code = ImportUnsupportedHash
	}
	return fieldErr(code, field, "%s: %v", field, err)
}

// keycloakSecret and keycloakData are the two documents of a Keycloak
// password credential (PasswordSecretData, PasswordCredentialData).
type keycloakSecret struct {
	Value string `json:"value"`
	Salt  string `json:"salt"`
}

type keycloakData struct {
	HashIterations int    `json:"hashIterations"`
	Algorithm      string `json:"algorithm"`
}

// keycloakHash converts a Keycloak pbkdf2-sha256 or pbkdf2-sha512
// credential to $pbkdf2-<hash>$i=N$SALT$HASH; the key length is the
// stored value's.
func keycloakHash(raw json.RawMessage) (string, *lineError) {
	const field = "keycloak_credential"
	var k keycloakCredential
	var sec keycloakSecret
	var data keycloakData
	if err := json.Unmarshal(raw, &k); err != nil {
		return "", fieldErr(ImportInvalidField, field, "keycloak_credential must be a Keycloak credential object: %v", err)
	}
	if k.Type != keycloakPasswordType {
		return "", fieldErr(ImportInvalidField, field+".type", "keycloak_credential.type must be %q, not %q", keycloakPasswordType, k.Type)
	}
	if err := embedded(k.SecretData, &sec); err != nil {
		return "", fieldErr(ImportInvalidField, field+".secretData", "keycloak_credential.secretData: %v", err)
	}
	if err := embedded(k.CredentialData, &data); err != nil {
		return "", fieldErr(ImportInvalidField, field+".credentialData", "keycloak_credential.credentialData: %v", err)
	}
	name, ok := strings.CutPrefix(data.Algorithm, "pbkdf2-")
	if !ok || (name != "sha256" && name != "sha512") {
		return "", fieldErr(ImportUnsupportedHash, field+".credentialData", "keycloak_credential: algorithm %q is not supported (want pbkdf2-sha256 or pbkdf2-sha512)", data.Algorithm)
	}
	salt, err1 := base64.StdEncoding.DecodeString(sec.Salt)
	value, err2 := base64.StdEncoding.DecodeString(sec.Value)
	if err1 != nil || err2 != nil {
		return "", fieldErr(ImportInvalidHash, field+".secretData", "keycloak_credential: value and salt must be standard base64")
	}
	enc := password.PBKDF2String(name, data.HashIterations, salt, value)
	if err := password.CheckImported(enc); err != nil {
		return "", hashErr(field, err)
	}
	return enc, nil
}

// embedded decodes a document that is either a JSON object or a JSON
// string holding one, as Keycloak writes it.
func embedded(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return errors.New("missing")
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		raw = json.RawMessage(s)
	}
	return json.Unmarshal(raw, v)
}

// stored converts a Firebase hash with the import's project parameters.
func (f *firebaseHash) stored(opt *ImportOptions) (string, *lineError) {
	if opt == nil || opt.Firebase == nil {
		return "", fieldErr(ImportInvalidField, "firebase_scrypt", "firebase_scrypt needs the project's parameters in %s on line 1", importFieldHashOptions)
	}
	p, err := opt.Firebase.params()
	if err != nil {
		return "", hashErr(importFieldHashOptions, err)
	}
	salt, err1 := base64.StdEncoding.DecodeString(f.Salt)
	hash, err2 := base64.StdEncoding.DecodeString(f.Hash)
	if err1 != nil || err2 != nil || len(hash) == 0 {
		return "", fieldErr(ImportInvalidHash, "firebase_scrypt", "firebase_scrypt: hash and salt must be standard base64")
	}
	enc := p.String(salt, hash)
	if err := password.CheckImported(enc); err != nil {
		return "", hashErr("firebase_scrypt", err)
	}
	return enc, nil
}

// params decodes and checks the project's parameters.
func (p *FirebaseParams) params() (password.Firebase, error) {
	key, err1 := base64.StdEncoding.DecodeString(p.SignerKey)
	sep, err2 := base64.StdEncoding.DecodeString(p.SaltSeparator)
	if err1 != nil || err2 != nil {
		return password.Firebase{}, fmt.Errorf("%w: signer_key and salt_separator must be standard base64", password.ErrInvalid)
	}
	f := password.Firebase{SignerKey: key, SaltSeparator: sep, Rounds: p.Rounds, MemCost: p.MemCost}
	return f, f.Validate()
}
