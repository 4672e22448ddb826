package password

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// Vectors made by tools independent of golang.org/x/crypto, so that a
// mistake in reading a format cannot hide behind the same mistake in
// writing it:
//
//   - argon2id: the reference C library (Debian's libargon2.so.1) through
//     Python ctypes: argon2id_hash_encoded(3, 256, 2, pw, "saltsaltsaltsalt", 32);
//   - bcrypt $2a$: Openwall crypt_blowfish's own test vector ("U*U");
//     $2b$ and $2y$: libxcrypt through Python's crypt.crypt;
//   - Django: Python's hashlib, as django.contrib.auth.hashers writes it:
//     "pbkdf2_sha256$%d$%s$%s" % (it, salt, b64encode(pbkdf2_hmac("sha256", pw, salt, it)));
//   - Keycloak: hashlib.pbkdf2_hmac(alg, pw, bytes(range(1, 17)), it, 64),
//     base64 as in a realm export's secretData;
//   - Firebase: the published example of github.com/firebase/scrypt.
const vectorPassword = "correct horse battery"

var (
	argonVector   = "$argon2id$v=19$m=256,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$oYf1wWNLuBC3I0OQVCR1UU28VHiMB2iJLHirr4rrJmU"
	bcrypt2a      = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" // password "U*U"
	bcrypt2b      = "$2b$04$abcdefghijklmnopqrstuuqREtd3VJD2QVZbuFskFSLk6eRIrQoOS"
	bcrypt2y      = "$2y$05$ABCDEFGHIJKLMNOPQRSTUuDyBlISSAGNGitxXMC6JMYeCBaTqRY0W"
	djangoVector  = "pbkdf2_sha256$20000$Qx7PmS2kA9vL$qf1UHd8YYyxTzRFl1PC5sqGE3nyHRP9GMRr4+OAhBwA="
	keycloakSalt  = "AQIDBAUGBwgJCgsMDQ4PEA=="
	keycloak256   = "3JgMK++Ix8kkUTQBL/Q7oRD512cfBOdVSpL8lFuz1j3isGOoYAILSl+XHNTE7g3d1WS22M+a2h1x/8iUC3XsOA==" // 27,500 iterations
	keycloak512   = "606r8RcBkdufjkXpiUI1ijW/sXBLx0z7ruasCcMlM2E3c4PxQrzwq0AGl/s4LULwG/mU/8I4bzamVqRzHqoCfw==" // 30,000 iterations
	firebaseParam = Firebase{
		SignerKey:     unb64("jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA=="),
		SaltSeparator: unb64("Bw=="), Rounds: 8, MemCost: 14,
	}
	firebaseVector = firebaseParam.String(unb64("42xEC+ixf3L2lw=="),
		unb64("lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ=="))
)

func unb64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestVectors: each format verifies its independent vector, asks for a
// rehash to argon2id, and refuses a wrong password.
func TestVectors(t *testing.T) {
	h := New(fast, 1)
	ctx := context.Background()
	cases := []struct{ name, encoded, pw, format string }{
		{"argon2id (libargon2)", argonVector, vectorPassword, "argon2id"},
		{"bcrypt $2a$ (Openwall)", bcrypt2a, "U*U", "bcrypt"},
		{"bcrypt $2b$ (libxcrypt)", bcrypt2b, vectorPassword, "bcrypt"},
		{"bcrypt $2y$ (libxcrypt)", bcrypt2y, vectorPassword, "bcrypt"},
		{"Django pbkdf2_sha256", djangoVector, vectorPassword, "django-pbkdf2-sha256"},
		{"Keycloak pbkdf2-sha256", PBKDF2String("sha256", 27500, unb64(keycloakSalt), unb64(keycloak256)), vectorPassword, "pbkdf2-sha256"},
		{"Keycloak pbkdf2-sha512", PBKDF2String("sha512", 30000, unb64(keycloakSalt), unb64(keycloak512)), vectorPassword, "pbkdf2-sha512"},
		{"Firebase scrypt", firebaseVector, "user1password", "firebase-scrypt"},
	}
	for _, tc := range cases {
		if got := Format(tc.encoded); got != tc.format {
			t.Errorf("Format(%s) = %q, want %q", tc.name, got, tc.format)
		}
		if err := CheckImported(tc.encoded); err != nil {
			t.Errorf("CheckImported(%s) = %v", tc.name, err)
		}
		if rehash, err := h.Verify(ctx, tc.encoded, tc.pw); err != nil || !rehash {
			t.Errorf("Verify(%s, right) = %v, %v; want rehash, nil", tc.name, rehash, err)
		}
		if _, err := h.Verify(ctx, tc.encoded, tc.pw+"x"); err != ErrMismatch {
			t.Errorf("Verify(%s, wrong) = %v, want ErrMismatch", tc.name, err)
		}
	}
}

// TestImportBounds: malformed hashes, unknown formats and costs beyond the
// bounds are refused at import with an error naming the problem, and a
// login against such a stored hash fails like a wrong password.
func TestImportBounds(t *testing.T) {
	salt16 := b64.EncodeToString(make([]byte, 16))
	key32 := b64.EncodeToString(make([]byte, 32))
	big := firebaseParam
	big.MemCost = 18
	cases := []struct {
		name, encoded string
		want          error
		mentions      string
	}{
		{"empty", "", ErrUnsupported, ""},
		{"plain text", "hunter2", ErrUnsupported, ""},
		{"md5 crypt", "$1$abc$def", ErrUnsupported, ""},
		{"ldap sha", "{SSHA}abcdef", ErrUnsupported, ""},
		{"django sha1", "pbkdf2_sha1$1000$salt$AAAA", ErrUnsupported, ""},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt16 + "$" + key32, ErrUnsupported, ""},
		{"bcrypt $2x$", "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrInvalid, "$2a$"},
		{"bcrypt cost 16", "$2b$16$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrInvalid, "cost 16"},
		{"bcrypt truncated", "$2b$10$CCCC", ErrInvalid, "bcrypt"},
		{"argon2id 1 GiB", "$argon2id$v=19$m=1048576,t=1,p=1$" + salt16 + "$" + key32, ErrInvalid, "m=1048576"},
		{"argon2id m·t", "$argon2id$v=19$m=65536,t=32,p=1$" + salt16 + "$" + key32, ErrInvalid, "limit"},
		{"argon2id v=16", "$argon2id$v=16$m=64,t=1,p=1$" + salt16 + "$" + key32, ErrInvalid, "v=19"},
		{"argon2id short hash", "$argon2id$v=19$m=64,t=1,p=1$" + salt16 + "$AAAA", ErrInvalid, "3 bytes"},
		{"django 3M iterations", "pbkdf2_sha256$3000000$salt$" + base64.StdEncoding.EncodeToString(make([]byte, 32)), ErrInvalid, "3000000 iterations"},
		{"django no hash", "pbkdf2_sha256$1000$salt", ErrInvalid, "ITERATIONS"},
		{"django bad iterations", "pbkdf2_sha256$-5$salt$" + base64.StdEncoding.EncodeToString(make([]byte, 32)), ErrInvalid, "iterations"},
		{"pbkdf2-sha256 128-byte key, 6M blocks", PBKDF2String("sha256", 1_500_000, make([]byte, 16), make([]byte, 128)), ErrInvalid, "above the limit"},
		{"pbkdf2-sha512 bad base64", "$pbkdf2-sha512$i=1000$!!$" + key32, ErrInvalid, "base64"},
		{"firebase mem_cost 18", big.String(make([]byte, 8), make([]byte, 64)), ErrInvalid, "mem_cost 18"},
		{"firebase hash length", firebaseParam.String(make([]byte, 8), make([]byte, 32)), ErrInvalid, "signer key"},
	}
	h := New(fast, 1)
	for _, tc := range cases {
		err := CheckImported(tc.encoded)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.mentions) {
			t.Errorf("CheckImported(%s) = %v, want %v mentioning %q", tc.name, err, tc.want, tc.mentions)
		}
		if _, err := h.Verify(context.Background(), tc.encoded, "x"); err != ErrMismatch {
			t.Errorf("Verify(%s) = %v, want ErrMismatch", tc.name, err)
		}
	}
}

// TestWithImportedCost: the setting names each family's dummy cost, and a
// failed login then computes those dummies; a bad or unbounded cost is
// refused naming the item.
func TestWithImportedCost(t *testing.T) {
	p, err := WithImportedCost(fast, "bcrypt=4, pbkdf2-sha512=1000/64,firebase-scrypt=8/4")
	want := fast
	want.LegacyCost, want.PBKDF2, want.Scrypt = 4, PBKDF2Cost{"sha512", 1000, 64}, ScryptCost{8, 4}
	if err != nil || p != want {
		t.Fatalf("WithImportedCost = %+v, %v; want %+v", p, err, want)
	}
	h := New(p, 1)
	var work []string
	h.work = func(kind string) { work = append(work, kind) }
	if _, err := h.Verify(context.Background(), "", "x"); err != ErrMismatch || len(work) != 4 {
		t.Errorf("Verify(unknown user) with imported costs = %v, computed %v; want ErrMismatch after 4 hashes", err, work)
	}
	if p, err := WithImportedCost(fast, ""); err != nil || p != fast {
		t.Errorf("WithImportedCost(\"\") = %+v, %v; want p unchanged", p, err)
	}
	for spec, mentions := range map[string]string{
		"bcrypt":                    "FORMAT=COST",
		"bcrypt=20":                 "want 4 to 15",
		"md5=3":                     "md5",
		"pbkdf2-sha256=lots":        "not a positive number",
		"pbkdf2-sha256=5000000":     "above the limit",
		"firebase-scrypt=8/30":      "mem_cost 30",
		"bcrypt=10,firebase-scrypt": "firebase-scrypt",
	} {
		if _, err := WithImportedCost(fast, spec); err == nil || !strings.Contains(err.Error(), mentions) {
			t.Errorf("WithImportedCost(%q) = %v, want an error mentioning %q", spec, err, mentions)
		}
	}
}

// TestImportedCost: each imported format names its cost as an item of
// WithImportedCost, which that function takes back.
func TestImportedCost(t *testing.T) {
	cases := []struct{ encoded, family, item string }{
		{bcrypt2y, "bcrypt", "bcrypt=5"},
		{djangoVector, "pbkdf2", "pbkdf2-sha256=20000"},
		{PBKDF2String("sha256", 27500, unb64(keycloakSalt), unb64(keycloak256)), "pbkdf2", "pbkdf2-sha256=27500/64"},
		{PBKDF2String("sha512", 30000, unb64(keycloakSalt), unb64(keycloak512)), "pbkdf2", "pbkdf2-sha512=30000"},
		{firebaseVector, "scrypt", "firebase-scrypt=8/14"},
		{argonVector, "", ""},
		{"nonsense", "", ""},
	}
	for _, tc := range cases {
		family, item := ImportedCost(tc.encoded)
		if family != tc.family || item != tc.item {
			t.Errorf("ImportedCost(%.20s) = %q, %q; want %q, %q", tc.encoded, family, item, tc.family, tc.item)
		}
		if _, err := WithImportedCost(Default, item); err != nil {
			t.Errorf("WithImportedCost(%q) = %v", item, err)
		}
	}
}
