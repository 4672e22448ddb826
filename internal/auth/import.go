package auth

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/password"
	"github.com/renova-auth/renova/internal/store"
)

// Import bounds (issue 13): one call imports at most MaxImportUsers users,
// read line by line; a line longer than MaxImportLineBytes is refused
// without being held in memory. Users are written importBatch at a time,
// one transaction each.
const (
	MaxImportUsers     = 100_000
	MaxImportLineBytes = 16 << 10
	importBatch        = 1000
	importBatchTimeout = time.Minute
)

// maxImportUsers is MaxImportUsers; tests lower it.
var maxImportUsers = MaxImportUsers

// Outcomes of an import line.
const (
	ImportCreated = "created"
	ImportFailed  = "error"
)

// ImportResult is the outcome of one line of an import, in line order.
type ImportResult struct {
	// Line is the line's number in the input, from 1; blank lines count.
	Line int `json:"line"`
	// Login is the line's login, when it could be read.
	Login string `json:"login,omitempty"`
	// Status is "created" or "error".
	Status string `json:"status"`
	// ID is the created user's id.
	ID string `json:"id,omitempty"`
	// Code is the stable code of an error (ImportInvalidJSON, ...).
	Code string `json:"code,omitempty"`
	// Field names the field at fault, when one is.
	Field string `json:"field,omitempty"`
	// Message says what is wrong, naming the field.
	Message string `json:"message,omitempty"`
}

// ImportSummary counts what an import did.
type ImportSummary struct {
	// Lines is how many lines were read, blank ones included.
	Lines int `json:"lines"`
	// Created and Failed count the user lines by outcome.
	Created int `json:"created"`
	Failed  int `json:"failed"`
	// Formats counts the created users by password hash format
	// (password.Format; "none" for a user without a password).
	Formats map[string]int `json:"formats"`
	// ImportedHashCost is the --imported-hash-cost setting that makes a
	// failed login cost the same for the users created as for anyone
	// (docs/import.md): the most common cost of each imported family.
	ImportedHashCost string `json:"imported_hash_cost,omitempty"`
	// Stopped is ImportTooManyUsers when the import stopped reading at
	// MaxImportUsers users; the lines after it were not read.
	Stopped string `json:"stopped,omitempty"`
}

// ImportUsers creates the users of an NDJSON stream in the tenant, one user
// per line (docs/import.md), and calls emit with each line's result in line
// order. A refused line (bad JSON, a hash renova cannot verify, a login
// already in the tenant or on an earlier line, ...) fails alone; the
// others go in. Users are written in batches of 1000, one transaction
// each: when an error return stops the import (the store failed, ctx
// ended, emit failed), the users already reported created stay, and
// importing the same file again reports them as login_taken.
func (s *Service) ImportUsers(ctx context.Context, tenantID string, r io.Reader, emit func(ImportResult) error) (ImportSummary, error) {
	if _, err := s.tenant(ctx, tenantID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return ImportSummary{}, errorf(InvalidRequest, "unknown tenant")
		}
		return ImportSummary{}, storeErr("load tenant", err)
	}
	im := &importer{s: s, tenantID: tenantID, emit: emit, seen: map[string]int{}, costs: map[string]map[string]int{},
		sum: ImportSummary{Formats: map[string]int{}}}
	br := bufio.NewReaderSize(r, MaxImportLineBytes+2) // the line, \r and \n
	for {
		line, tooLong, err := readLine(br)
		if err != nil && err != io.EOF {
			return im.sum, fmt.Errorf("read import line %d: %w", im.sum.Lines+1, err)
		}
		if err == io.EOF && len(line) == 0 && !tooLong {
			break
		}
		if stop, err := im.add(ctx, line, tooLong); err != nil || stop {
			return im.sum, err
		}
	}
	return im.sum, im.flush(ctx)
}

// readLine reads one line without its line ending. A line longer than
// MaxImportLineBytes is skipped to its end and reported tooLong: it is
// never held whole.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	line, err = br.ReadSlice('\n')
	for err == bufio.ErrBufferFull {
		tooLong = true
		_, err = br.ReadSlice('\n')
	}
	line = bytes.TrimRight(line, "\r\n")
	if tooLong || len(line) > MaxImportLineBytes {
		return nil, true, err
	}
	return line, false, err
}

// importer is the state of one ImportUsers call.
type importer struct {
	s        *Service
	tenantID string
	emit     func(ImportResult) error
	opt      *ImportOptions
	seen     map[string]int            // lower-cased login → the line that took it
	users    int                       // user lines read
	pending  []pendingLine             // lines not yet reported, in line order
	costs    map[string]map[string]int // family → cost item → users created
	sum      ImportSummary
}

// pendingLine is a read line waiting for its batch: a refused line has
// its result already; an accepted one has its user.
type pendingLine struct {
	res  ImportResult
	user *store.User
}

// add handles one line; stop reports that the import ends here.
func (im *importer) add(ctx context.Context, line []byte, tooLong bool) (stop bool, err error) {
	im.sum.Lines++
	n := im.sum.Lines
	switch {
	case !tooLong && len(bytes.TrimSpace(line)) == 0:
		return false, nil // blank lines only count
	case n == 1 && !tooLong && bytes.Contains(line, []byte(`"import_options"`)) && im.options(line):
		return false, nil
	case im.users >= maxImportUsers:
		im.refuse(n, "", fieldErr(ImportTooManyUsers, "", "an import holds at most %d users; this line and the rest were not read", maxImportUsers))
		im.sum.Stopped = ImportTooManyUsers
		return true, im.flush(ctx)
	case tooLong:
		im.users++
		im.refuse(n, "", fieldErr(ImportLineTooLong, "", "the line is longer than %d bytes", MaxImportLineBytes))
	default:
		im.user(n, line)
	}
	if len(im.pending) >= importBatch {
		return false, im.flush(ctx)
	}
	return false, ctx.Err()
}

// options reads line 1 when it is {"import_options": {...}} alone; it
// reports false, leaving the line to be read as a user, otherwise.
func (im *importer) options(line []byte) bool {
	l, lerr := decodeLine(line)
	if lerr != nil || l.Options == nil || l.Login != "" {
		return false
	}
	im.opt = l.Options
	return true
}

// user reads a user line and queues its user, or its refusal.
func (im *importer) user(n int, line []byte) {
	im.users++
	l, lerr := decodeLine(line)
	if lerr != nil {
		im.refuse(n, "", lerr)
		return
	}
	u, lerr := l.user(im.opt)
	if lerr != nil {
		im.refuse(n, strings.TrimSpace(l.Login), lerr)
		return
	}
	key := strings.ToLower(u.Login)
	if first, ok := im.seen[key]; ok {
		im.refuse(n, u.Login, fieldErr(ImportDuplicateLogin, "login", "login %q is already on line %d of this import", u.Login, first))
		return
	}
	im.seen[key] = n
	u.TenantID = im.tenantID
	im.pending = append(im.pending, pendingLine{res: ImportResult{Line: n, Login: u.Login}, user: u})
}

// refuse queues the failed result of line n.
func (im *importer) refuse(n int, login string, e *lineError) {
	im.pending = append(im.pending, pendingLine{res: ImportResult{Line: n, Login: login, Status: ImportFailed,
		Code: e.code, Field: e.field, Message: e.msg}})
}

// flush stores the pending users in one transaction and reports every
// pending line in order.
func (im *importer) flush(ctx context.Context) error {
	if err := im.store(ctx); err != nil {
		return err
	}
	for _, p := range im.pending {
		if p.res.Status == ImportCreated {
			im.sum.Created++
			im.sum.Formats[formatOf(p.user.PasswordHash)]++
			im.count(p.user.PasswordHash)
		} else {
			im.sum.Failed++
		}
		if err := im.emit(p.res); err != nil {
			return err
		}
	}
	im.pending = im.pending[:0]
	im.sum.ImportedHashCost = im.hashCost()
	return nil
}

// count notes the cost of a created user's hash.
func (im *importer) count(hash string) {
	family, item := password.ImportedCost(hash)
	if family == "" {
		return
	}
	if im.costs[family] == nil {
		im.costs[family] = map[string]int{}
	}
	im.costs[family][item]++
}

// hashCost is the most common cost item of each family, the smaller item
// on a tie, families in name order.
func (im *importer) hashCost() string {
	var items []string
	for _, family := range slices.Sorted(maps.Keys(im.costs)) {
		best, n := "", 0
		for _, item := range slices.Sorted(maps.Keys(im.costs[family])) {
			if c := im.costs[family][item]; c > n {
				best, n = item, c
			}
		}
		items = append(items, best)
	}
	return strings.Join(items, ",")
}

// store writes the pending users and sets their results.
func (im *importer) store(ctx context.Context) error {
	var us []*store.User
	now := im.s.cfg.Now()
	for _, p := range im.pending {
		if p.user != nil {
			p.user.ID = NewID(im.s.cfg.Rand, "usr")
			p.user.CreatedAt, p.user.UpdatedAt = now, now
			us = append(us, p.user)
		}
	}
	if len(us) == 0 {
		return nil
	}
	sctx, cancel := context.WithTimeout(ctx, importBatchTimeout)
	defer cancel()
	errs, err := im.s.st.CreateUsers(sctx, us)
	if err != nil {
		return storeErr(fmt.Sprintf("import users (lines %d to %d)", im.pending[0].res.Line, im.sum.Lines), err)
	}
	i := 0
	for k := range im.pending {
		p := &im.pending[k]
		if p.user == nil {
			continue
		}
		if errs[i] != nil {
			p.res.Status, p.res.Code, p.res.Field = ImportFailed, ImportLoginTaken, "login"
			p.res.Message = fmt.Sprintf("login %q is taken by a user of the tenant", p.user.Login)
		} else {
			p.res.Status, p.res.ID = ImportCreated, p.user.ID
		}
		i++
	}
	return nil
}

// formatOf names a stored hash's format for the summary.
func formatOf(hash string) string {
	if hash == "" {
		return "none"
	}
	return password.Format(hash)
}
