package sqlstore

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// plain is a Codec for the tests of this package that never reach a
// database: every value is its own argument and destination, so lists of
// arguments and destinations can be compared field by field.
type plain struct{}

func (plain) Time(p *time.Time) any          { return p }
func (plain) TimeArg(t time.Time) any        { return t }
func (plain) List(p *[]string) any           { return p }
func (plain) ListArg(l []string) any         { return l }
func (plain) Map(p *map[string]string) any   { return p }
func (plain) MapArg(m map[string]string) any { return m }
func (plain) Bool(p *bool) any               { return p }
func (plain) BoolArg(b bool) any             { return b }
func (plain) Err(err error) error            { return err }

var placeholder = regexp.MustCompile(`\$(\d+)`)

// columns splits a column list.
func columns(list string) []string { return strings.Split(list, ", ") }

// TestInsertsMatchColumns checks every INSERT: as many placeholders as
// columns, numbered $1..$n in order, so an added column cannot shift the
// values of the others.
func TestInsertsMatchColumns(t *testing.T) {
	cases := []struct{ name, sql, cols string }{
		{"InsertTenant", InsertTenant, TenantCols},
		{"InsertUser", InsertUser, UserCols},
		{"insertClient", insertClient, ClientCols},
		{"InsertSession", InsertSession, SessionCols},
		{"InsertKey", InsertKey, KeyCols},
		{"InsertAudit", InsertAudit, AuditCols},
		{"insertBrowser", insertBrowser, BrowserCols},
		{"insertAuthCode", insertAuthCode, AuthCodeCols},
	}
	for _, tc := range cases {
		if !strings.Contains(tc.sql, "("+tc.cols+")") {
			t.Errorf("%s does not list its columns: %s", tc.name, tc.sql)
		}
		got := placeholder.FindAllStringSubmatch(tc.sql, -1)
		if len(got) != len(columns(tc.cols)) {
			t.Errorf("%s has %d placeholders for %d columns", tc.name, len(got), len(columns(tc.cols)))
		}
		for i, m := range got {
			if m[1] != strconv.Itoa(i+1) {
				t.Errorf("%s: placeholder #%d is $%s, want $%d", tc.name, i+1, m[1], i+1)
				break
			}
		}
	}
}

// TestListsMatchColumns checks that every argument and destination list
// has one entry per column of its column list.
func TestListsMatchColumns(t *testing.T) {
	c := plain{}
	cases := []struct {
		name string
		list []any
		cols string
	}{
		{"TenantDest", TenantDest(nil, &store.Tenant{}, c), TenantCols},
		{"UserDest", UserDest(nil, &store.User{}, c), UserCols},
		{"UserArgs", UserArgs(&store.User{}, c), UserCols},
		{"ClientDest", ClientDest(nil, &store.Client{}, c), ClientCols},
		{"ClientArgs", ClientArgs(&store.Client{}, c), ClientCols},
		{"SessionDest", SessionDest(nil, &store.Session{}, c), SessionCols},
		{"SessionArgs", SessionArgs(&store.Session{}, c), SessionCols},
		{"TokenDest", TokenDest(nil, &store.RefreshToken{}, c), TokenCols},
		{"TokenArgs", TokenArgs(&store.RefreshToken{}, c), TokenCols},
		{"KeyDest", KeyDest(nil, &store.Key{}, c), KeyCols},
		{"KeyArgs", KeyArgs(&store.Key{}, c), KeyCols},
		{"FreshKeyArgs", FreshKeyArgs(&store.Key{}, c), KeyCols},
		{"AuditDest", AuditDest(nil, &store.AuditEvent{}, c), "id, " + AuditCols},
		{"AuditArgs", AuditArgs(&store.AuditEvent{}, c), AuditCols},
		{"BrowserDest", BrowserDest(nil, &store.BrowserSession{}, c), BrowserCols},
		{"BrowserArgs", BrowserArgs(&store.BrowserSession{}, c), BrowserCols},
		{"AuthCodeDest", AuthCodeDest(nil, &store.AuthCode{}, c), AuthCodeCols},
		{"AuthCodeArgs", AuthCodeArgs(&store.AuthCode{}, c), AuthCodeCols},
	}
	for _, tc := range cases {
		if n := len(columns(tc.cols)); len(tc.list) != n {
			t.Errorf("%s has %d entries for %d columns", tc.name, len(tc.list), n)
		}
	}
}

// row is one stored row for the round-trip test: Scan copies its values
// into the destinations, as a driver does for columns of the right type.
type row []any

func (r row) Scan(dest ...any) error {
	for i, d := range dest {
		v := reflect.ValueOf(r[i])
		if v.IsValid() {
			reflect.ValueOf(d).Elem().Set(v.Convert(reflect.TypeOf(d).Elem()))
		}
	}
	return nil
}

// TestArgsAndDestAgree writes a record with every field set as arguments
// and scans those arguments back through the destinations: the same
// record must come out, so no two columns are swapped between the INSERT
// and the SELECT of one column list.
func TestArgsAndDestAgree(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	u := &store.User{ID: "id", TenantID: "ten", Login: "login", Email: "e@x", Name: "name", Seq: 7, Code: "code",
		PermissionRole: "role", Roles: []string{"r"}, External: true, Attributes: map[string]string{"k": "v"},
		PasswordHash: "hash", Disabled: true, CreatedAt: at, UpdatedAt: at.Add(time.Second)}
	cl := &store.Client{ID: "id", TenantID: "ten", Name: "name", Public: true, SecretHash: "s", APIKeyHash: "a",
		AppCode: "app", Grants: []string{"g"}, Scopes: []string{"s"}, RedirectURIs: []string{"u"}, Dialects: []string{"d"},
		Alg: "ES256", AccessTTL: 1, IdleTTL: 2, AbsoluteTTL: 3, Grace: 4, CreatedAt: at,
		PostLogoutURIs: []string{"pl"}, Origins: []string{"o"}}
	s := &store.Session{ID: "id", TenantID: "ten", UserID: "usr", ClientID: "cli", Scope: "openid", Generation: 3,
		CreatedAt: at, LastUsedAt: at.Add(1), IdleExpiresAt: at.Add(2), ExpiresAt: at.Add(3), IP: "ip", UserAgent: "ua",
		RevokedAt: at.Add(4), RevokeReason: "why", BrowserID: "bs", AuthTime: at.Add(5)}
	tok := &store.RefreshToken{Hash: []byte("h"), SessionID: "ses", ParentHash: []byte("p"), Generation: 2, CreatedAt: at, UsedAt: at.Add(1)}
	k := &store.Key{ID: "id", Alg: "ES256", State: "current", Public: []byte("pub"), Private: []byte("priv"),
		CreatedAt: at, ActivatedAt: at.Add(1), RetiredAt: at.Add(2)}
	e := &store.AuditEvent{Time: at, TenantID: "ten", Actor: "actor", Action: "act", Outcome: "ok", Reason: "r",
		SessionID: "ses", ClientID: "cli", UserID: "usr", IP: "ip", TraceID: "tr"}
	b := &store.BrowserSession{ID: "bs", Hash: []byte("h"), TenantID: "ten", UserID: "usr", AuthTime: at,
		CreatedAt: at.Add(1), ExpiresAt: at.Add(2), RevokedAt: at.Add(3), IP: "ip", UserAgent: "ua"}
	code := &store.AuthCode{Hash: []byte("h"), TenantID: "ten", ClientID: "cli", UserID: "usr", BrowserID: "bs",
		RedirectURI: "https://x/cb", Challenge: "ch", Nonce: "n", Scope: "openid", AuthTime: at, CreatedAt: at.Add(1),
		ExpiresAt: at.Add(2), UsedAt: at.Add(3), SessionID: "ses"}
	c := plain{}
	cases := []struct {
		name      string
		want, got any
	}{
		{"user", u, must(ScanUser(row(UserArgs(u, c)), c))},
		{"client", cl, must(ScanClient(row(ClientArgs(cl, c)), c))},
		{"session", s, must(ScanSession(row(SessionArgs(s, c)), c))},
		{"token", tok, must(ScanToken(row(TokenArgs(tok, c)), c))},
		{"key", k, must(ScanKey(row(KeyArgs(k, c)), c))},
		{"audit", e, must(ScanAudit(row(append([]any{int64(0)}, AuditArgs(e, c)...)), c))},
		{"browser session", b, must(ScanBrowser(row(BrowserArgs(b, c)), c))},
		{"auth code", code, must(ScanAuthCode(row(AuthCodeArgs(code, c)), c))},
	}
	for _, tc := range cases {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: scanned back %+v\nwant %+v", tc.name, tc.got, tc.want)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestFreshKeyArgs checks that the key a rotation adds is stored as next,
// never activated nor retired, whatever the caller's record says.
func TestFreshKeyArgs(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	k := &store.Key{ID: "k", Alg: "ES256", State: store.KeyCurrent, CreatedAt: at, ActivatedAt: at, RetiredAt: at}
	args := FreshKeyArgs(k, plain{})
	if args[2] != store.KeyNext || args[6] != nil || args[7] != nil {
		t.Errorf("FreshKeyArgs = state %v, activated %v, retired %v; want next, nil, nil", args[2], args[6], args[7])
	}
}

// TestSessionWhere checks the filter builder: conditions in a fixed
// order, placeholders numbered on after the statement's own arguments.
func TestSessionWhere(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name     string
		f        store.SessionFilter
		prefix   []any
		where    string
		wantArgs []any
	}{
		{"everything", store.SessionFilter{}, nil, "true", nil},
		{"one user", store.SessionFilter{UserID: "u"}, nil, "true AND user_id = $1", []any{"u"}},
		{"after two arguments", store.SessionFilter{UserID: "u", ExceptSession: "s"}, []any{"now", "why"},
			"true AND user_id = $3 AND id <> $4", []any{"now", "why", "u", "s"}},
		{"one browser", store.SessionFilter{BrowserID: "b"}, []any{"now"}, "true AND browser_id = $2", []any{"now", "b"}},
		{"all fields", store.SessionFilter{TenantID: "t", UserID: "u", ClientID: "c", ExceptSession: "s", BrowserID: "b", Active: true, Now: now}, nil,
			"true AND tenant_id = $1 AND user_id = $2 AND client_id = $3 AND id <> $4 AND browser_id = $5 AND revoked_at IS NULL AND idle_expires_at > $6 AND expires_at > $7",
			[]any{"t", "u", "c", "s", "b", now, now}},
	}
	for _, tc := range cases {
		where, args := SessionWhere(tc.f, plain{}, tc.prefix)
		if where != tc.where || !reflect.DeepEqual(args, tc.wantArgs) {
			t.Errorf("SessionWhere(%s) = %q %v\nwant %q %v", tc.name, where, args, tc.where, tc.wantArgs)
		}
	}
}

// TestBrowserWhere checks the browser filter: by id, by user, both, and
// an empty filter refused rather than matching every browser session.
func TestBrowserWhere(t *testing.T) {
	cases := []struct {
		name     string
		f        store.BrowserFilter
		where    string
		wantArgs []any
	}{
		{"by id", store.BrowserFilter{ID: "b"}, "id = $2", []any{"now", "b"}},
		{"by user", store.BrowserFilter{UserID: "u"}, "user_id = $2", []any{"now", "u"}},
		{"both", store.BrowserFilter{ID: "b", UserID: "u"}, "id = $2 AND user_id = $3", []any{"now", "b", "u"}},
	}
	for _, tc := range cases {
		where, args, err := BrowserWhere(tc.f, []any{"now"})
		if err != nil || where != tc.where || !reflect.DeepEqual(args, tc.wantArgs) {
			t.Errorf("BrowserWhere(%s) = %q %v %v\nwant %q %v", tc.name, where, args, err, tc.where, tc.wantArgs)
		}
	}
	if _, _, err := BrowserWhere(store.BrowserFilter{}, nil); err == nil {
		t.Error("BrowserWhere(empty filter) = nil error, want a refusal")
	}
}

// TestListSessions checks the SELECT around the filter: the backend's
// order, and the limit as the last placeholder only when positive.
func TestListSessions(t *testing.T) {
	cases := []struct {
		name  string
		f     store.SessionFilter
		tail  string
		nargs int
	}{
		{"no limit", store.SessionFilter{UserID: "u"}, "WHERE true AND user_id = $1 ORDER BY created_at DESC", 1},
		{"limit", store.SessionFilter{UserID: "u", Limit: 5}, "WHERE true AND user_id = $1 ORDER BY created_at DESC LIMIT $2", 2},
		{"negative limit", store.SessionFilter{Limit: -1}, "WHERE true ORDER BY created_at DESC", 0},
	}
	for _, tc := range cases {
		q, args := listSessions(tc.f, plain{}, "created_at DESC")
		if want := "SELECT " + SessionCols + " FROM sessions " + tc.tail; q != want || len(args) != tc.nargs {
			t.Errorf("listSessions(%s) = %q with %d args\nwant %q with %d", tc.name, q, len(args), want, tc.nargs)
		}
	}
}
