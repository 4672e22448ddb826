package sqlite

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// stopCheckpointer stops db's background checkpointer, so that a test
// drives checkpointTick itself; Close then skips it.
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

// TestCheckpointTick checks the checkpointer's decisions: a short WAL that
// is still growing stays; a long one, or an idle one, is truncated to
// zero bytes from the writer connection.
func TestCheckpointTick(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	stopCheckpointer(t, db)
	_, h := seed(t, db)
	h = rotateChain(t, db, h, 10)

	frames := db.checkpointTick(ctx, 0)
	if frames == 0 || frames >= walMaxFrames || walSize(t, path) == 0 {
		t.Fatalf("checkpointTick after 10 rotations = %d frames, wal %d bytes; want a short WAL kept", frames, walSize(t, path))
	}
	if got := db.checkpointTick(ctx, frames); got != 0 || walSize(t, path) != 0 {
		t.Errorf("checkpointTick on an idle WAL = %d, wal %d bytes; want 0 and truncated", got, walSize(t, path))
	}

	// Grow the WAL past walMaxFrames, checking its file (a frame is a
	// 24-byte header and a 4 KiB page): a passive checkpoint between two
	// writes would complete here and let the WAL restart.
	for i := 0; walSize(t, path) < walMaxFrames*(4096+24); i++ {
		if i == 500 {
			t.Fatalf("WAL still under %d frames after 500×20 rotations", walMaxFrames)
		}
		h = rotateChain(t, db, h, 20)
	}
	if got := db.checkpointTick(ctx, 1); got != 0 || walSize(t, path) != 0 {
		t.Errorf("checkpointTick on a long, growing WAL = %d, wal %d bytes; want 0 and truncated", got, walSize(t, path))
	}
	if n := db.walTruncations.Load(); n != 2 {
		t.Errorf("walTruncations = %d, want 2", n)
	}
	rotateChain(t, db, h, 1) // the store still works on the truncated WAL
}

// TestCheckpointTickReader checks that a reader holding an old snapshot
// makes the truncation give up after its busy timeout, without an error,
// and that the next tick after the reader is gone truncates.
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
	rotateChain(t, db, h, 5)

	last := db.checkpointTick(ctx, 0)
	got := db.checkpointTick(ctx, last)
	if got == 0 || walSize(t, path) == 0 {
		t.Errorf("checkpointTick under an open reader = %d, wal %d bytes; want the WAL kept", got, walSize(t, path))
	}
	must(t, tx.Rollback())
	if got := db.checkpointTick(ctx, got); got != 0 || walSize(t, path) != 0 {
		t.Errorf("checkpointTick after the reader ended = %d, wal %d bytes; want 0 and truncated", got, walSize(t, path))
	}
}

// TestGuardTick: the WAL guard leaves a WAL file under walMaxBytes alone
// and truncates a larger one to zero bytes.
func TestGuardTick(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	stopCheckpointer(t, db)
	_, h := seed(t, db)
	h = rotateChain(t, db, h, 10)
	if db.guardTick(ctx, path+"-wal") || walSize(t, path) == 0 {
		t.Fatalf("guardTick on a %d-byte WAL truncated it", walSize(t, path))
	}
	for i := 0; walSize(t, path) < walMaxBytes; i++ {
		if i == 1000 {
			t.Fatalf("WAL still under %d bytes after 1000×20 rotations", walMaxBytes)
		}
		h = rotateChain(t, db, h, 20)
	}
	if !db.guardTick(ctx, path+"-wal") || walSize(t, path) != 0 {
		t.Errorf("guardTick on a long WAL: wal %d bytes; want truncated", walSize(t, path))
	}
	rotateChain(t, db, h, 1)
}
