package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// stmts holds the hot queries of one pool, prepared once. Parsing SQL was a
// third of a rotation's CPU time (BenchmarkRotate profile). They are all
// prepared when the store opens: preparing lazily inside a transaction
// would wait for a second connection the single writer does not have.
type stmts struct {
	m map[string]*sql.Stmt
}

// prepare prepares every query of qs on db.
func prepare(ctx context.Context, db *sql.DB, qs []string) (*stmts, error) {
	s := &stmts{m: map[string]*sql.Stmt{}}
	for _, q := range qs {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		s.m[q] = st
	}
	return s, nil
}

// get returns the prepared form of q, which must be one of the queries
// the pool was opened with.
func (s *stmts) get(_ context.Context, q string) (*sql.Stmt, error) {
	st, ok := s.m[q]
	if !ok {
		return nil, fmt.Errorf("sqlite: query not prepared: %q", q)
	}
	return st, nil
}

// in returns q prepared for use inside tx.
func (s *stmts) in(ctx context.Context, tx *sql.Tx, q string) (*sql.Stmt, error) {
	st, err := s.get(ctx, q)
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, st), nil
}

// row runs the prepared q outside a transaction and returns its row.
func (s *stmts) row(ctx context.Context, q string, args ...any) scanner {
	st, err := s.get(ctx, q)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// errRow is a row whose Scan reports a preparation error.
type errRow struct{ err error }

func (e errRow) Scan(...any) error { return e.err }

func (s *stmts) close() error {
	if s == nil {
		return nil
	}
	var errs []error
	for _, st := range s.m {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}
