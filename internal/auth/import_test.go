package auth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/password"
)

// Hashes of "correct horse battery" (userPass) made by tools independent
// of golang.org/x/crypto (internal/password/formats_test.go says how);
// Firebase's is the published example of github.com/firebase/scrypt, of
// "user1password".
const (
	argonHash   = "$argon2id$v=19$m=256,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$oYf1wWNLuBC3I0OQVCR1UU28VHiMB2iJLHirr4rrJmU"
	bcrypt2b    = "$2b$04$abcdefghijklmnopqrstuuqREtd3VJD2QVZbuFskFSLk6eRIrQoOS"
	bcrypt2y    = "$2y$05$ABCDEFGHIJKLMNOPQRSTUuDyBlISSAGNGitxXMC6JMYeCBaTqRY0W"
	djangoHash  = "pbkdf2_sha256$20000$Qx7PmS2kA9vL$qf1UHd8YYyxTzRFl1PC5sqGE3nyHRP9GMRr4+OAhBwA="
	kcSalt      = "AQIDBAUGBwgJCgsMDQ4PEA=="
	kcSHA256    = "3JgMK++Ix8kkUTQBL/Q7oRD512cfBOdVSpL8lFuz1j3isGOoYAILSl+XHNTE7g3d1WS22M+a2h1x/8iUC3XsOA=="
	kcSHA512    = "606r8RcBkdufjkXpiUI1ijW/sXBLx0z7ruasCcMlM2E3c4PxQrzwq0AGl/s4LULwG/mU/8I4bzamVqRzHqoCfw=="
	fbOptions   = `{"import_options":{"firebase_scrypt":{"signer_key":"jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==","salt_separator":"Bw==","rounds":8,"mem_cost":14}}}`
	fbHash      = "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ=="
	fbSalt      = "42xEC+ixf3L2lw=="
	fbPassword  = "user1password"
	importBatch = 1000
)

// keycloakLine is a user line carrying a Keycloak credential as a realm
// export writes it: secretData and credentialData are JSON in strings.
func keycloakLine(login, alg string, iterations int, value string) string {
	return fmt.Sprintf(`{"login":%q,"keycloak_credential":{"id":"c1","type":"password","createdDate":1700000000000,`+
		`"secretData":"{\"value\":\"%s\",\"salt\":\"%s\",\"additionalParameters\":{}}",`+
		`"credentialData":"{\"hashIterations\":%d,\"algorithm\":\"%s\",\"additionalParameters\":{}}"}}`,
		login, value, kcSalt, iterations, alg)
}

// hashLine is a user line with a password_hash.
func hashLine(login, hash string) string {
	return fmt.Sprintf(`{"login":%q,"password_hash":%q}`, login, hash)
}

// importAll runs an import and collects its results.
func importAll(t *testing.T, f *fixture, r io.Reader) ([]auth.ImportResult, auth.ImportSummary, error) {
	t.Helper()
	var got []auth.ImportResult
	sum, err := f.svc.ImportUsers(context.Background(), f.tenant.ID, r, func(res auth.ImportResult) error {
		got = append(got, res)
		return nil
	})
	return got, sum, err
}

// want is the expected outcome of one line: "created", or an error code
// and the field it names.
type want struct {
	line        int
	code, field string
}

// TestImportLines: one file with a line of each format and each kind of
// bad line. Each bad line fails alone with its stable code and field, the
// good ones go in with their hash in a format Verify reads, results come
// in line order, and the summary counts them.
func TestImportLines(t *testing.T) {
	f := newFixture(t, auth.Config{})
	lines := []string{
		fbOptions, // 1
		`{"login":"argon","email":"argon@example.com","name":"A","roles":["r1"],"attributes":{"cpf":"1"},"password_hash":"` + argonHash + `"}`,
		hashLine("bcrypt-b", bcrypt2b),
		hashLine("bcrypt-y", bcrypt2y),
		hashLine("django", djangoHash),
		keycloakLine("kc256", "pbkdf2-sha256", 27500, kcSHA256), // 6
		keycloakLine("kc512", "pbkdf2-sha512", 30000, kcSHA512),
		`{"login":"fire","firebase_scrypt":{"hash":"` + fbHash + `","salt":"` + fbSalt + `"}}`,
		`{"login":"nopass","disabled":true}`,
		``, // 10: blank lines only count
		`{"login":"broken"`,
		`{"login":"typo","pasword_hash":"x"}`,
		`{"login":"typed","roles":"admin"}`,
		`{"email":"nobody@example.com"}`,
		hashLine("md5", "$1$salt$hash"), // 15
		hashLine("slow", "$2b$16$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
		keycloakLine("kc-sha1", "pbkdf2", 27500, kcSHA256),
		keycloakLine("kc-costly", "pbkdf2-sha512", 3_000_000, kcSHA512),
		`{"login":"both","password_hash":"` + bcrypt2b + `","firebase_scrypt":{"hash":"` + fbHash + `","salt":"` + fbSalt + `"}}`,
		hashLine("DJANGO", bcrypt2b),  // 20: django, case aside, is on line 5
		hashLine(userLogin, bcrypt2b), // the fixture's user
		fbOptions,
		`{"login":"one"} {"login":"two"}`,
		`{"login":"` + strings.Repeat("x", auth.MaxImportLineBytes) + `"}`,
		hashLine("last", bcrypt2b), // 25
	}
	got, sum, err := importAll(t, f, strings.NewReader(strings.Join(lines, "\n")+"\n"))
	if err != nil {
		t.Fatalf("ImportUsers = %v", err)
	}
	wants := []want{
		{2, "", ""}, {3, "", ""}, {4, "", ""}, {5, "", ""}, {6, "", ""}, {7, "", ""}, {8, "", ""}, {9, "", ""},
		{11, auth.ImportInvalidJSON, ""},
		{12, auth.ImportUnknownField, "pasword_hash"},
		{13, auth.ImportInvalidField, "roles"},
		{14, auth.ImportMissingField, "login"},
		{15, auth.ImportUnsupportedHash, "password_hash"},
		{16, auth.ImportInvalidHash, "password_hash"},
		{17, auth.ImportUnsupportedHash, "keycloak_credential.credentialData"},
		{18, auth.ImportInvalidHash, "keycloak_credential"},
		{19, auth.ImportInvalidField, "password_hash"},
		{20, auth.ImportDuplicateLogin, "login"},
		{21, auth.ImportLoginTaken, "login"},
		{22, auth.ImportMisplacedOptions, "import_options"},
		{23, auth.ImportInvalidJSON, ""},
		{24, auth.ImportLineTooLong, ""},
		{25, "", ""},
	}
	checkResults(t, got, wants)
	if sum.Lines != 25 || sum.Created != 9 || sum.Failed != 14 || sum.Stopped != "" {
		t.Errorf("summary = %+v, want 25 lines, 9 created, 14 failed", sum)
	}
	formats := map[string]int{"argon2id": 1, "bcrypt": 3, "django-pbkdf2-sha256": 1, "pbkdf2-sha256": 1, "pbkdf2-sha512": 1, "firebase-scrypt": 1, "none": 1}
	if fmt.Sprint(sum.Formats) != fmt.Sprint(formats) {
		t.Errorf("summary formats = %v, want %v", sum.Formats, formats)
	}
	// The most common cost of each family; the smaller item of a tie.
	if want := "bcrypt=4,pbkdf2-sha256=20000,firebase-scrypt=8/14"; sum.ImportedHashCost != want {
		t.Errorf("summary imported_hash_cost = %q, want %q", sum.ImportedHashCost, want)
	}
	u, err := f.st.UserByLogin(context.Background(), f.tenant.ID, "argon")
	if err != nil || u.Email != "argon@example.com" || u.Roles[0] != "r1" || u.Attributes["cpf"] != "1" || u.PasswordHash != argonHash || u.Seq < 2 {
		t.Errorf("imported argon user = %+v, %v; want its profile and hash as given", u, err)
	}
	if u, err := f.st.UserByLogin(context.Background(), f.tenant.ID, "nopass"); err != nil || !u.Disabled || u.PasswordHash != "" {
		t.Errorf("imported nopass user = %+v, %v; want disabled without a password", u, err)
	}
}

// checkResults compares results with wants, line by line and in order.
func checkResults(t *testing.T, got []auth.ImportResult, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("ImportUsers reported %d lines, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		g := got[i]
		status := auth.ImportCreated
		if w.code != "" {
			status = auth.ImportFailed
		}
		if g.Line != w.line || g.Status != status || g.Code != w.code || g.Field != w.field {
			t.Errorf("result %d = %+v, want line %d %s %s field %q", i, g, w.line, status, w.code, w.field)
		}
		if status == auth.ImportCreated && !strings.HasPrefix(g.ID, "usr_") {
			t.Errorf("line %d created without an id: %+v", g.Line, g)
		}
		if status == auth.ImportFailed && (g.Message == "" || (w.field != "" && !strings.Contains(g.Message, strings.Split(w.field, ".")[0]))) {
			t.Errorf("line %d message %q does not name field %q", g.Line, g.Message, w.field)
		}
	}
}

// TestImportLogin: each imported format logs in with its password through
// the core, a wrong password fails, and the stored hash is argon2id after
// the first good login.
func TestImportLogin(t *testing.T) {
	f := newFixture(t, auth.Config{})
	lines := []string{fbOptions, hashLine("argon", argonHash), hashLine("bcrypt", bcrypt2y), hashLine("django", djangoHash),
		keycloakLine("kc256", "pbkdf2-sha256", 27500, kcSHA256), keycloakLine("kc512", "pbkdf2-sha512", 30000, kcSHA512),
		`{"login":"fire","firebase_scrypt":{"hash":"` + fbHash + `","salt":"` + fbSalt + `"}}`}
	if _, sum, err := importAll(t, f, strings.NewReader(strings.Join(lines, "\n"))); err != nil || sum.Created != 6 {
		t.Fatalf("ImportUsers = %+v, %v; want 6 created", sum, err)
	}
	for _, login := range []string{"argon", "bcrypt", "django", "kc256", "kc512", "fire"} {
		pw := userPass
		if login == "fire" {
			pw = fbPassword
		}
		if _, _, err := f.svc.Login(context.Background(), auth.LoginRequest{Client: f.conf, Username: login, Password: pw + "!"}); err == nil {
			t.Errorf("Login(%s, wrong password) succeeded", login)
		}
		if _, _, err := f.svc.Login(context.Background(), auth.LoginRequest{Client: f.conf, Username: login, Password: pw}); err != nil {
			t.Errorf("Login(%s) = %v", login, err)
		}
		u, err := f.st.UserByLogin(context.Background(), f.tenant.ID, login)
		if err != nil || password.Format(u.PasswordHash) != "argon2id" || u.PasswordHash == argonHash {
			t.Errorf("%s's hash after login = %q, %v; want a fresh argon2id hash", login, u.PasswordHash, err)
		}
	}
}

// TestImportFirebaseNeedsOptions: a Firebase line without the project's
// parameters on line 1, or with bad ones, fails naming them.
func TestImportFirebaseNeedsOptions(t *testing.T) {
	f := newFixture(t, auth.Config{})
	line := `{"login":"fire","firebase_scrypt":{"hash":"` + fbHash + `","salt":"` + fbSalt + `"}}`
	got, _, err := importAll(t, f, strings.NewReader(line))
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, got, []want{{1, auth.ImportInvalidField, "firebase_scrypt"}})
	costly := strings.Replace(fbOptions, `"mem_cost":14`, `"mem_cost":19`, 1)
	got, _, err = importAll(t, f, strings.NewReader(costly+"\n"+line))
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, got, []want{{2, auth.ImportInvalidHash, "import_options.firebase_scrypt"}})
}

// TestImportBatches: 2,500 users span three transactions; the results
// come in line order, a login taken inside the second batch fails alone,
// and every other user is stored.
func TestImportBatches(t *testing.T) {
	f := newFixture(t, auth.Config{})
	var b strings.Builder
	var wants []want
	for i := 1; i <= 2500; i++ {
		login := fmt.Sprintf("user%04d", i)
		w := want{line: i}
		if i == 1500 {
			login, w = userLogin, want{i, auth.ImportLoginTaken, "login"}
		}
		fmt.Fprintln(&b, hashLine(login, bcrypt2b))
		wants = append(wants, w)
	}
	got, sum, err := importAll(t, f, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, got, wants)
	list, err := f.st.ListUsers(context.Background(), f.tenant.ID)
	if err != nil || len(list) != 2500 || sum.Created != 2499 { // 2,499 imported and the fixture's
		t.Errorf("after import: %d users (%v), summary %+v; want 2500 users, 2499 created", len(list), err, sum)
	}
}

// endless is an import that never ends: user lines forever.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	e.n++
	return copy(p, fmt.Sprintf(`{"login":"u%d","password_hash":"%s"}`+"\n", e.n, bcrypt2b)), nil
}

// TestImportTooManyUsers: past the bound the import refuses the next line
// and stops reading, even from a stream without end.
func TestImportTooManyUsers(t *testing.T) {
	defer auth.SetMaxImportUsers(importBatch + 5)()
	f := newFixture(t, auth.Config{})
	got, sum, err := importAll(t, f, &endless{})
	if err != nil {
		t.Fatal(err)
	}
	last := got[len(got)-1]
	if len(got) != importBatch+6 || last.Line != importBatch+6 || last.Code != auth.ImportTooManyUsers || !strings.Contains(last.Message, "1005") {
		t.Errorf("last of %d results = %+v, want line 1006 too_many_users naming 1005", len(got), last)
	}
	if sum.Created != importBatch+5 || sum.Stopped != auth.ImportTooManyUsers {
		t.Errorf("summary = %+v, want 1005 created and stopped at too_many_users", sum)
	}
}

// TestImportStops: an unknown tenant is refused before reading, and an
// emit failure (a client gone) or a read error stops the import with it.
func TestImportStops(t *testing.T) {
	f := newFixture(t, auth.Config{})
	noop := func(auth.ImportResult) error { return nil }
	if _, err := f.svc.ImportUsers(context.Background(), "ten_nope", strings.NewReader(hashLine("a", bcrypt2b)), noop); auth.AsError(err) == nil {
		t.Errorf("ImportUsers(unknown tenant) = %v, want a client error", err)
	}
	gone := errors.New("client gone")
	_, err := f.svc.ImportUsers(context.Background(), f.tenant.ID, strings.NewReader(hashLine("a", bcrypt2b)), func(auth.ImportResult) error { return gone })
	if !errors.Is(err, gone) {
		t.Errorf("ImportUsers(emit fails) = %v, want %v", err, gone)
	}
	broken := io.MultiReader(strings.NewReader(hashLine("b", bcrypt2b)+"\n"), &failing{})
	if _, err := f.svc.ImportUsers(context.Background(), f.tenant.ID, broken, noop); !errors.Is(err, errBroken) {
		t.Errorf("ImportUsers(read fails) = %v, want %v", err, errBroken)
	}
}

var errBroken = errors.New("connection reset")

// failing is a reader that fails.
type failing struct{}

func (*failing) Read([]byte) (int, error) { return 0, errBroken }

// TestImportLineEndings: CRLF and a last line without a line ending are
// read; a line of exactly MaxImportLineBytes (without its line ending) is
// read and one byte more is refused, whatever the line ending.
func TestImportLineEndings(t *testing.T) {
	f := newFixture(t, auth.Config{})
	sized := func(login string, n int) string {
		l := `{"login":"` + login + `","attributes":{"pad":""}}`
		return strings.Replace(l, `""`, `"`+strings.Repeat("p", n-len(l))+`"`, 1)
	}
	in := hashLine("crlf", bcrypt2b) + "\r\n" +
		sized("exact", auth.MaxImportLineBytes) + "\r\n" +
		sized("over-crlf", auth.MaxImportLineBytes+1) + "\r\n" +
		sized("exact-lf", auth.MaxImportLineBytes) + "\n" +
		sized("over-lf", auth.MaxImportLineBytes+1) + "\n" +
		hashLine("last", bcrypt2b) // no line ending
	got, _, err := importAll(t, f, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, got, []want{{1, "", ""}, {2, "", ""}, {3, auth.ImportLineTooLong, ""}, {4, "", ""}, {5, auth.ImportLineTooLong, ""}, {6, "", ""}})
}
