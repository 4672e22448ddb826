package sqlite

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// stopCheckpointer stops db's background checkpointer, so that a test
// drives tick itself; Close then skips it.
func stopCheckpointer(t *testing.T, db *DB) {
	t.Helper()
	close(db.stop)
	<-db.done
	db.stop = nil
}

// walSize is the size of the WAL file beside path, 0 when there is none.
func walSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// chainSeq numbers rotateChain's tokens, unique within the test binary.
var chainSeq int

// rotateChain rotates the chain ending in h n times and returns its end.
func rotateChain(t *testing.T, db *DB, h []byte, n int) []byte {
	t.Helper()
	for i := range n {
		chainSeq++
		next := []byte(fmt.Sprintf("next-%08d-0123456789abcdefghij", chainSeq))
		if _, err := db.Rotate(context.Background(), rotateParams(h, next)); err != nil {
			t.Fatalf("Rotate #%d = %v", i, err)
		}
		h = next
	}
	return h
}

// growWAL rotates h's chain, 20 at a time, until the WAL of path holds
// at least size bytes, and returns the chain's live token; it fails the
// test after rounds×20 rotations.
func growWAL(t *testing.T, db *DB, path string, h []byte, size int64, rounds int) []byte {
	t.Helper()
	for i := 0; walSize(t, path) < size; i++ {
		if i == rounds {
			t.Fatalf("WAL still under %d bytes after %d×20 rotations", size, rounds)
		}
		h = rotateChain(t, db, h, 20)
	}
	return h
}

// TestCheckpointTick checks the checkpointer's decisions: a short WAL
// that is still growing stays; an idle one and a long one are truncated
// to zero bytes from the writer connection.
func TestCheckpointTick(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	stopCheckpointer(t, db)
	k := &walKeeper{db: db, wal: path + "-wal"}
	_, h := seed(t, db)
	for i := range idleLooks {
		h = rotateChain(t, db, h, 1)
		if k.tick(ctx) || walSize(t, path) == 0 {
			t.Fatalf("tick #%d on a short, growing WAL truncated it", i)
		}
	}
	for i := range idleLooks - 1 {
		if k.tick(ctx) {
			t.Fatalf("tick truncated a short WAL idle for only %d looks", i+1)
		}
	}
	if !k.tick(ctx) || walSize(t, path) != 0 {
		t.Errorf("tick on a WAL idle for %d looks: wal %d bytes; want truncated", idleLooks, walSize(t, path))
	}

	h = growWAL(t, db, path, h, walMaxBytes, 1000)
	if !(&walKeeper{db: db, wal: path + "-wal"}).tick(ctx) || walSize(t, path) != 0 {
		t.Errorf("tick on a long WAL: wal %d bytes; want truncated", walSize(t, path))
	}
	if n := db.walTruncations.Load(); n != 2 {
		t.Errorf("walTruncations = %d, want 2", n)
	}
	rotateChain(t, db, h, 1) // the store still works on the truncated WAL
}

// TestCheckpointTickReader checks that a reader holding an old snapshot
// makes the truncation of a long WAL give up after its busy timeout,
// without an error, and that the next look after the reader is gone
// truncates.
func TestCheckpointTickReader(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	stopCheckpointer(t, db)
	_, h := seed(t, db)
	h = rotateChain(t, db, h, 5)

	raw := rawDB(t, path)
	tx, err := raw.BeginTx(ctx, nil)
	must(t, err)
	var n int
	must(t, tx.QueryRowContext(ctx, "SELECT count(*) FROM refresh_tokens").Scan(&n)) // takes the snapshot
	h = growWAL(t, db, path, h, walMaxBytes, 1000)
	if (&walKeeper{db: db, wal: path + "-wal"}).tick(ctx) || walSize(t, path) == 0 {
		t.Errorf("tick under an open reader: wal %d bytes; want the WAL kept", walSize(t, path))
	}
	must(t, tx.Rollback())
	if !(&walKeeper{db: db, wal: path + "-wal"}).tick(ctx) || walSize(t, path) != 0 {
		t.Errorf("tick after the reader ended: wal %d bytes; want truncated", walSize(t, path))
	}
	rotateChain(t, db, h, 1)
}

// TestGuardTick: the guard leaves a WAL under walHardBytes to the
// checkpointer and truncates a longer one.
func TestGuardTick(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	stopCheckpointer(t, db)
	_, h := seed(t, db)
	h = growWAL(t, db, path, h, walMaxBytes, 1000)
	if (&walKeeper{db: db, wal: path + "-wal"}).guard(ctx) || walSize(t, path) == 0 {
		t.Fatalf("guard truncated a %d-byte WAL, under walHardBytes", walSize(t, path))
	}
	h = growWAL(t, db, path, h, walHardBytes, 3000)
	if !(&walKeeper{db: db, wal: path + "-wal"}).guard(ctx) || walSize(t, path) != 0 {
		t.Errorf("guard on a %d-byte WAL did not truncate it", walSize(t, path))
	}
	rotateChain(t, db, h, 1)
}
