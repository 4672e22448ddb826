package auth

import "github.com/renova-auth/renova/internal/store"

// The records a surface reads from the core's answers. They are the
// store's types, named here so that surfaces depend on the core alone and
// never import store (STYLE.md: dialects never import store): a dialect
// can read a user's profile but has no way to reach the database past the
// core's rules.
type (
	// User is an account of a tenant: login, e-mail, profile and the
	// vendor attributes the dialects put on the wire.
	User = store.User
	// Client is an application allowed to obtain tokens: its grants,
	// scopes, lifetimes, grace window and dialect settings.
	Client = store.Client
	// Tenant is an isolated set of users and clients (a company, to the
	// vendors), with the slug, name and numeric code the dialects show.
	Tenant = store.Tenant
	// Session is one refresh-token family: its user, client, lifetimes
	// and revocation state.
	Session = store.Session
)

// ErrNotFound is returned by the core's lookups (User, Tenant, ...) when
// the record does not exist; test it with errors.Is.
var ErrNotFound = store.ErrNotFound
