package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// insertUserOrSkip is insertUserSQL that skips a user whose login or
// sequence number is taken (no row returned) instead of failing the
// transaction.
var insertUserOrSkip = strings.Replace(insertUserSQL, " RETURNING seq", " ON CONFLICT DO NOTHING RETURNING seq", 1)

// CreateUsers stores us in one transaction that holds the advisory lock of
// every tenant among them (taken in order, so two imports cannot
// deadlock), sending all the INSERTs in one batch: one round trip for the
// lot. Each INSERT picks the tenant's next sequence number in SQL and
// sees the rows of the ones before it. A taken login skips its user with
// store.ErrConflict in its slot.
func (db *DB) CreateUsers(ctx context.Context, us []*store.User) ([]error, error) {
	errs := make([]error, len(us))
	seqs := make([]int64, len(us))
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		b, tenants := &pgx.Batch{}, tenantsOf(us)
		for _, t := range tenants {
			b.Queue("SELECT pg_advisory_xact_lock(hashtextextended('renova.users.' || $1, 0))", t)
		}
		for _, u := range us {
			b.Queue(insertUserOrSkip, sqlstore.UserArgs(u, codec{})...)
		}
		return readInserts(tx.SendBatch(ctx, b), len(tenants), errs, seqs)
	})
	if err != nil {
		return nil, translate(err)
	}
	for i, u := range us {
		if errs[i] == nil {
			u.Seq = seqs[i]
		}
	}
	return errs, nil
}

// readInserts reads a CreateUsers batch: the advisory locks first, then
// one INSERT per user, whose missing row means it was skipped.
func readInserts(br pgx.BatchResults, locks int, errs []error, seqs []int64) error {
	defer br.Close()
	for range locks {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	for i := range errs {
		err := br.QueryRow().Scan(&seqs[i])
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			errs[i] = store.ErrConflict
		case err != nil:
			return err
		}
	}
	return br.Close()
}

// tenantsOf lists the distinct tenants of us, sorted.
func tenantsOf(us []*store.User) []string {
	var ts []string
	for _, u := range us {
		ts = append(ts, u.TenantID)
	}
	slices.Sort(ts)
	return slices.Compact(ts)
}
