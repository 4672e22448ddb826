package store

import (
	"strings"
	"time"
)

// ConflictError is a uniqueness conflict that names the field whose value
// is taken, in plain words ("slug", "login", "client_id"), so that a CLI
// message or an admin API 409 never quotes a driver message such as
// "UNIQUE constraint failed: tenants.slug (2067)". It is ErrConflict for
// errors.Is and unwraps to the driver's error, which only the log sees.
type ConflictError struct {
	// Field is the taken field; "" when the constraint is not known.
	Field string
	// Cause is the driver's error.
	Cause error
}

// Error says which field is taken, without the driver's words.
func (e *ConflictError) Error() string {
	if e.Field == "" {
		return "a record with the same unique value already exists"
	}
	return e.Field + " is already taken"
}

// Is makes a ConflictError match ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Unwrap returns the driver's error.
func (e *ConflictError) Unwrap() error { return e.Cause }

// conflictFields maps constraint and column spellings of both backends
// (SQLite names "table.column" or the index; PostgreSQL the constraint)
// onto the field a person would name. Longer, more specific keys first.
var conflictFields = []struct{ key, field string }{
	{"tenants.slug", "slug"}, {"tenants_slug", "slug"},
	{"tenants.code", "code"}, {"tenants_code", "code"},
	{"tenants.id", "id"}, {"tenants_pkey", "id"},
	{"users_login", "login"}, {"users_seq", "seq"}, {"users.id", "id"}, {"users_pkey", "id"},
	{"clients.id", "client_id"}, {"clients_pkey", "client_id"},
	{"signing_keys", "kid"},
}

// Conflict wraps a driver's unique violation as a *ConflictError, naming
// the field from constraint, the driver's constraint name or message.
func Conflict(constraint string, cause error) error {
	for _, f := range conflictFields {
		if strings.Contains(constraint, f.key) {
			return &ConflictError{Field: f.field, Cause: cause}
		}
	}
	return &ConflictError{Cause: cause}
}

// UserFilter selects a page of a tenant's users, by sequence number.
type UserFilter struct {
	// TenantID is the tenant whose users are listed; required.
	TenantID string
	// Query keeps users whose login, e-mail or name contains it, in any
	// case; "" keeps all.
	Query string
	// Disabled, when not nil, keeps only disabled (true) or enabled
	// (false) users.
	Disabled *bool
	// AfterSeq keeps users whose sequence number is above it: the cursor
	// of the previous page.
	AfterSeq int64
	// Limit caps the page; 0 means 100.
	Limit int
}

// SecretRotation is the input of Clients.SetClientSecret: the new secret's
// hash, and the old one's, which keeps authenticating until PrevUntil.
type SecretRotation struct {
	Hash      string
	PrevHash  string
	PrevUntil time.Time
}
