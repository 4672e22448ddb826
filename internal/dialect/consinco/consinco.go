// Package consinco serves the Consinco dialect (seed 001, an ASP.NET Web API
// help page): POST api/v1/auth/login and POST api/v1/auth/refresh-token, in
// JSON and XML, answering the OWIN-style TokenResponse in either the
// documented field names or the .NET backing-field names the seed's samples
// leak. It is a thin adapter over the core: no rotation logic of its own.
package consinco

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/legacy"
)

// Spelling selects the TokenResponse member names on the wire (seed 001
// shows both; real clients were written against one or the other).
type Spelling string

// The two spellings a mount can choose with the option spelling=....
const (
	// Documented is the seed's field table: access_token, ..., .issued.
	Documented Spelling = "documented"
	// BackingField is the seed's samples: <accessToken>k__BackingField in
	// JSON, _x003C_accessToken_x003E_k__BackingField in XML.
	BackingField Spelling = "backing-field"
)

// DefaultTZ is the time zone of .issued and .expires unless the mount's tz
// option names another: the seed's sample carries -03:00 (Brasília).
const DefaultTZ = "America/Sao_Paulo"

// options are the mount options this dialect understands.
var options = []string{"spelling", "tz"}

// Surface serves the Consinco endpoints of one mount.
type Surface struct {
	svc      *auth.Service
	logger   *slog.Logger
	tenant   *auth.Tenant
	client   *auth.Client
	prefix   string
	spelling Spelling
	loc      *time.Location
	// legacy calls the system the mount replaces until legacyUntil
	// (legacy.go, issue 15); nil: none.
	legacy      *legacy.Caller
	legacyUntil time.Time
}

// New binds the dialect to a tenant, client and prefix and reads the mount
// options spelling (documented | backing-field) and tz (an IANA zone name
// or a fixed offset such as -03:00). A bad option fails the start, not a
// request.
func New(b dialect.Binding) (*Surface, error) {
	for k := range b.Options {
		if !slices.Contains(options, k) {
			return nil, fmt.Errorf("consinco: unknown mount option %q (known: %s)", k, strings.Join(options, ", "))
		}
	}
	sp := Spelling(b.Options["spelling"])
	switch sp {
	case "":
		sp = Documented
	case Documented, BackingField:
	default:
		return nil, fmt.Errorf("consinco: spelling %q must be %q or %q", sp, Documented, BackingField)
	}
	loc, err := location(b.Options["tz"])
	if err != nil {
		return nil, err
	}
	logger := b.Logger
	if logger == nil {
		logger = slog.Default()
	}
	s := &Surface{svc: b.Svc, logger: logger, tenant: b.Tenant, client: b.Client, prefix: b.Prefix,
		spelling: sp, loc: loc, legacy: newLegacy(b)}
	if b.Legacy != nil {
		s.legacyUntil = b.Legacy.Until
	}
	return s, nil
}

// location resolves the tz option. The default zone falls back to a fixed
// -03:00 where the host has no tzdata (Brazil has had no daylight saving
// since 2019, so the offset is the same); a zone the mount names explicitly
// must resolve.
func location(tz string) (*time.Location, error) {
	if tz == "" {
		if loc, err := time.LoadLocation(DefaultTZ); err == nil {
			return loc, nil
		}
		return time.FixedZone("-03", -3*60*60), nil
	}
	if t, err := time.Parse("-07:00", tz); err == nil {
		_, off := t.Zone()
		return time.FixedZone(tz, off), nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("consinco: tz %q: %w", tz, err)
	}
	return loc, nil
}

// Routes returns the dialect's handlers by ServeMux pattern under the
// mount's prefix (seed 001: "POST api/v1/auth/refresh-token").
func (s *Surface) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST " + s.prefix + "/api/v1/auth/login":         s.errs().Handle(s.login),
		"POST " + s.prefix + "/api/v1/auth/refresh-token": s.errs().Handle(s.refresh),
	}
}
