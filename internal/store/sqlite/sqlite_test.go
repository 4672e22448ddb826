package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlite"
	"github.com/renova-auth/renova/internal/store/storetest"
)

func newStore(t *testing.T) store.Store {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "renova.db"))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) { storetest.Run(t, newStore) }

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "renova.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTenant(ctx, &store.Tenant{ID: "t1", Slug: "demo", Name: "Demo", Code: 1, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path) // migrations must be idempotent
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.TenantBySlug(ctx, "demo"); err != nil {
		t.Errorf("TenantBySlug after reopen = %v", err)
	}
}

// BenchmarkRotate measures the store's atomic rotation alone: parallel
// workers, each rotating its own session's chain.
func BenchmarkRotate(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	storetest.BenchRotate(b, db)
}

// BenchmarkAppendAudit measures audit inserts with migration 0006's audit
// indexes (tenant, user, client) and, for comparison, without them.
func BenchmarkAppendAudit(b *testing.B) {
	for _, drop := range []bool{false, true} {
		name := "with_admin_indexes"
		if drop {
			name = "without_admin_indexes"
		}
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench.db")
			db, err := sqlite.Open(context.Background(), path)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if drop {
				raw, err := sql.Open("sqlite", "file:"+path)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := raw.Exec("DROP INDEX audit_tenant; DROP INDEX audit_user; DROP INDEX audit_client"); err != nil {
					b.Fatal(err)
				}
				raw.Close()
			}
			storetest.BenchAppendAudit(b, db)
		})
	}
}

// TestGroupCommit runs the group-commit cases (issue 16) on SQLite.
func TestGroupCommit(t *testing.T) {
	storetest.RunBatch(t, func(t *testing.T) (store.Store, storetest.BatchHooks) {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "renova.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db, sqlite.BatchHooks(db)
	})
}
