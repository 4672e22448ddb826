package bench

import "context"

// Launcher starts the servers of an embedded run. The load generator
// defines it and the composition root implements it
// (internal/server/benchtarget), so that bench knows renova only by its
// HTTP surface and by the answers below, and imports none of auth,
// server or store (issue 11; imports_test.go holds it to that).
type Launcher interface {
	// Floor starts the floor reference (package floor) on a fresh
	// database of the run's kind, served on a loopback port.
	Floor(ctx context.Context) (*FloorServer, error)
	// Renova starts renova as `renova serve` would, on a fresh database,
	// with a client and users for surface s, served on a loopback port.
	Renova(ctx context.Context, s *Surface) (*Server, error)
}

// Server is a renova a Launcher started for one run.
type Server struct {
	URL     string    // base URL, on a loopback port
	Backend string    // sqlite or postgres
	Creds   Creds     // what the bench authenticates with
	Store   Inspector // answers the invariants from renova's store; nil when not visible
	Close   func()    // stops the server and removes what it made (the database too); may be nil
}

// FloorServer is the floor reference a Launcher started for one run.
type FloorServer struct {
	URL   string  // base URL, on a loopback port
	Store Tallier // counts the floor's sessions by their unused tokens
	Close func()  // stops it and removes its database; may be nil
}

// Tally counts the sessions of one client by their number of unused
// refresh tokens: "one live refresh token per session" (PRODUCT.md §2)
// seen from the store.
type Tally struct {
	Sessions  int // every session of the client
	OneLive   int // live sessions with exactly one unused token
	Revoked   int // revoked sessions
	Anomalies int // live sessions with zero or several unused tokens
}

// Tallier counts sessions. The floor and renova both answer it.
type Tallier interface {
	// Tally counts the sessions of clientID (the floor has one client
	// and ignores it).
	Tally(ctx context.Context, clientID string) (Tally, error)
}

// Inspector answers the invariant questions that HTTP cannot: what the
// store behind an embedded renova holds after a run. Tokens are passed
// as the client holds them; hashing them is the implementation's
// business.
type Inspector interface {
	Tallier
	// Live reports whether refresh is its session's unused, childless
	// token in a live session; an unknown token is not live (no error).
	Live(ctx context.Context, refresh string) (bool, error)
	// Successors returns how many successors of parent the store holds,
	// and whether answered is the one it names as parent's child.
	Successors(ctx context.Context, parent, answered string) (n int, isChild bool, err error)
	// ReuseEvents returns how many refresh.reuse audit events the store
	// holds, after writing out any the audit log still queues.
	ReuseEvents(ctx context.Context) (int, error)
}
