package sqlite

import (
	"context"
	"time"
)

// checkpointEvery is how often the checkpointer looks at the WAL file's
// size (a stat): at 4,000 rotations a second, about 27 KB of WAL each,
// the WAL grows by some 3 MB between two looks.
const checkpointEvery = 25 * time.Millisecond

// walMaxBytes is the WAL file size at which the checkpointer truncates it.
const walMaxBytes = 8 << 20

// idleLooks is how many looks in a row (one second) must find the WAL
// unchanged before the checkpointer truncates a WAL shorter than
// walMaxBytes: a quiet database then keeps no WAL at all.
const idleLooks = 40

// checkpointer keeps the WAL short: it truncates it from the writer
// connection (CheckpointWAL) once the file reaches walMaxBytes, or when it
// has been idle for a second. On the writer no write of this process can
// append meanwhile, so the checkpoint completes, where passive checkpoints
// from the read pool never did under a constant write load (each found
// new frames behind it; the WAL grew to 256 MB in 10^5 rotations, issue
// 14) and, while one ran slowly on a busy disk beside the truncation,
// held the checkpoint lock against it (an 89 MB WAL in 10^6 rotations).
// So the checkpointer runs a passive checkpoint first, in the same
// goroutine: it copies the WAL back beside the writes, and the writer then
// waits only for the frames appended meanwhile. Truncating from the writer
// without it cost 25–30 % of BenchmarkRotate's rotations a second; with
// it, about 5 % (8 parallel writers, no retention, issue 14's report).
func (db *DB) checkpointer() {
	defer close(db.done)
	var path string
	if err := db.r.QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil || path == "" {
		<-db.stop // an in-memory database has no WAL file
		return
	}
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	var w walWatch
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			db.checkpointTick(ctx, path+"-wal", &w)
			cancel()
		}
	}
}

// walWatch is what the checkpointer remembers between two looks.
type walWatch struct {
	size int64 // the WAL file's size at the last look
	same int   // looks in a row that found that size
}

// checkpointTick is one look at the WAL file wal: it truncates the WAL
// when it is walMaxBytes or more, or unchanged for idleLooks looks, and
// reports whether it did. Readers are short (one refresh's reads), so
// the truncation waits at most CheckpointWAL's busy timeout for them and,
// when one is in the way anyway, is tried again at the next look.
func (db *DB) checkpointTick(ctx context.Context, wal string, w *walWatch) bool {
	n, err := fileSize(wal)
	if err != nil || n == 0 {
		*w = walWatch{}
		return false
	}
	if n == w.size {
		w.same++
	} else {
		w.size, w.same = n, 0
	}
	if n < walMaxBytes && w.same < idleLooks {
		return false
	}
	// Copy the WAL back beside the writes first, so that the writer waits
	// only for what they append meanwhile.
	if _, err := db.r.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
		return false
	}
	if ok, err := db.CheckpointWAL(ctx); err != nil || !ok {
		return false
	}
	db.walTruncations.Add(1)
	*w = walWatch{}
	return true
}
