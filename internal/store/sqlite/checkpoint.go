package sqlite

import (
	"context"
	"sync"
	"time"
)

// checkpointEvery is how often the checkpointer runs a passive checkpoint.
const checkpointEvery = 100 * time.Millisecond

// guardEvery is how often the WAL guard looks at the WAL file's size (a
// stat): at 10^4 rotations a second, about 27 KB of WAL each, the WAL
// grows by some 7 MB between two looks.
const guardEvery = 25 * time.Millisecond

// walMaxBytes is the WAL file size past which the guard truncates it from
// the writer connection at once, without a passive checkpoint first: one
// of those, slowed by a busy disk, let the WAL reach 89 MB in the 10^6
// rotations of TestRetentionSize while it ran.
const walMaxBytes = 8 << 20

// walMaxFrames is the WAL length (in frames, one page each: 8 MiB at the
// default 4 KiB page) past which the checkpointer checkpoints on the
// writer connection. Passive checkpoints alone never let the WAL restart
// under a constant write load: each one finds new frames appended behind
// it, so it never completes, and the file grew to 256 MB in 10^5
// rotations (issue 14, TestRetentionSize).
const walMaxFrames = 2048

// checkpointer keeps the WAL short. Every tick it runs a passive
// checkpoint from the read pool, which copies frames back into the
// database without blocking anyone; when the WAL is long, or idle and not
// empty, it then truncates it from the writer connection (CheckpointWAL),
// where no write of this process can append meanwhile, so the checkpoint
// completes and the next write starts the WAL from its beginning.
func (db *DB) checkpointer() {
	defer close(db.done)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(db.walGuard)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	last := 0
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			last = db.checkpointTick(ctx, last)
			cancel()
		}
	}
}

// checkpointTick is one tick of the checkpointer; last is the WAL length
// the previous tick saw, and it returns the length for the next one.
// Readers are short (one refresh's reads), so the writer-side checkpoint
// waits at most CheckpointWAL's busy timeout for them and, when one is in
// the way anyway, leaves the WAL for the next tick.
func (db *DB) checkpointTick(ctx context.Context, last int) int {
	frames, err := db.passiveCheckpoint(ctx)
	if err != nil || frames == 0 {
		return 0
	}
	idle := frames == last
	if frames < walMaxFrames && !idle {
		return frames
	}
	if ok, err := db.CheckpointWAL(ctx); err != nil || !ok {
		return frames
	}
	db.walTruncations.Add(1)
	return 0
}

// passiveCheckpoint copies what it can of the WAL into the database and
// returns the WAL's length in frames.
func (db *DB) passiveCheckpoint(ctx context.Context) (int, error) {
	var busy, frames, done int
	err := db.r.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &done)
	return frames, translate(err)
}

// walGuard truncates the WAL from the writer connection whenever its file
// outgrows walMaxBytes, looking every guardEvery, so a slow passive
// checkpoint never leaves the WAL to grow meanwhile. It stops with the
// checkpointer.
func (db *DB) walGuard() {
	var path string
	if err := db.r.QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil || path == "" {
		return // an in-memory database has no WAL file
	}
	t := time.NewTicker(guardEvery)
	defer t.Stop()
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			db.guardTick(ctx, path+"-wal")
			cancel()
		}
	}
}

// guardTick truncates the WAL at wal when the file is walMaxBytes or
// more, and reports whether it did.
func (db *DB) guardTick(ctx context.Context, wal string) bool {
	if n, err := fileSize(wal); err != nil || n < walMaxBytes {
		return false
	}
	ok, err := db.CheckpointWAL(ctx)
	if err != nil || !ok {
		return false
	}
	db.walTruncations.Add(1)
	return true
}
