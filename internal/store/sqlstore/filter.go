package sqlstore

import (
	"errors"
	"strconv"
	"strings"

	"github.com/renova-auth/renova/internal/store"
)

// errEmptyBrowserFilter refuses a browser filter that names nothing: a
// revocation with it would end every browser session of every user.
var errEmptyBrowserFilter = errors.New("store: browser filter names neither an id nor a user")

// SessionWhere builds the WHERE condition of a session filter. Its
// placeholders number on from args (the statement's own arguments, which
// come first), and it returns args extended with the filter's. Empty
// fields match everything; Active keeps unrevoked sessions unexpired at
// f.Now. f.Limit is not part of it (see ListSessions).
func SessionWhere(f store.SessionFilter, c Codec, args []any) (string, []any) {
	where := "true"
	add := func(cond string, v any) {
		args = append(args, v)
		where += " AND " + cond + " $" + strconv.Itoa(len(args))
	}
	if f.TenantID != "" {
		add("tenant_id =", f.TenantID)
	}
	if f.UserID != "" {
		add("user_id =", f.UserID)
	}
	if f.ClientID != "" {
		add("client_id =", f.ClientID)
	}
	if f.ExceptSession != "" {
		add("id <>", f.ExceptSession)
	}
	if f.BrowserID != "" {
		add("browser_id =", f.BrowserID)
	}
	if f.Active {
		where += " AND revoked_at IS NULL"
		add("idle_expires_at >", c.TimeArg(f.Now))
		add("expires_at >", c.TimeArg(f.Now))
	}
	return where, args
}

// listSessions builds the SELECT of the sessions matching f, sorted by
// order, at most f.Limit of them when it is positive.
func listSessions(f store.SessionFilter, c Codec, order string) (string, []any) {
	where, args := SessionWhere(f, c, nil)
	q := "SELECT " + SessionCols + " FROM sessions WHERE " + where + " ORDER BY " + order
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += " LIMIT $" + strconv.Itoa(len(args))
	}
	return q, args
}

// BrowserWhere builds the WHERE condition of a browser session filter,
// numbering its placeholders on from args like SessionWhere. A filter
// with neither field set is an error, never "every browser session".
func BrowserWhere(f store.BrowserFilter, args []any) (string, []any, error) {
	var conds []string
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, cond+" $"+strconv.Itoa(len(args)))
	}
	if f.ID != "" {
		add("id =", f.ID)
	}
	if f.UserID != "" {
		add("user_id =", f.UserID)
	}
	if len(conds) == 0 {
		return "", nil, errEmptyBrowserFilter
	}
	return strings.Join(conds, " AND "), args, nil
}
