package sqlite

import (
	"context"
	"sync"
	"time"
)

// checkpointEvery is how often the checkpointer and its guard look at the
// WAL file's size (a stat): at 4,000 rotations a second, about 27 KB of
// WAL each, the WAL grows by some 3 MB between two looks.
const checkpointEvery = 25 * time.Millisecond

// walMaxBytes is the WAL file size at which the checkpointer truncates it.
// Each truncation makes the writer wait for two fsyncs (the frames
// appended during its passive checkpoint, then the database), so the
// cost is per truncation: at 8 MiB, 10^4 rotations a second truncated
// some 30 times a second and cost 14 % of BenchmarkRotate on a quiet
// machine.
const walMaxBytes = 16 << 20

// walHardBytes is the WAL file size at which the guard truncates it at
// once, stopping the writes for as long as that takes.
const walHardBytes = 32 << 20

// idleLooks is how many looks in a row (one second) must find the WAL
// unchanged before the checkpointer truncates a WAL shorter than
// walMaxBytes: a quiet database then keeps no WAL at all.
const idleLooks = 40

// walKeeper keeps one database's WAL short (issue 14). Passive
// checkpoints alone, which SQLite and earlier versions ran beside the
// writes, never let the WAL restart under a constant write load: each
// found new frames behind it, and the WAL grew to 256 MB in 10^5
// rotations. So the WAL is truncated from the writer connection, where no
// write of this process can append meanwhile and the checkpoint completes.
//
// tick, every checkpointEvery, does that once the WAL reaches walMaxBytes
// or has been idle for a second. It first runs a passive checkpoint,
// which copies the WAL back beside the writes, so that the writer then
// waits only for the frames appended meanwhile: truncating without it cost
// 25–30 % of BenchmarkRotate's rotations a second, with it 5–15 %.
// A passive checkpoint slowed by a busy disk lets the WAL grow while it
// runs (40 MB in TestRetentionSize), so guard, in a goroutine of its own,
// truncates a WAL of walHardBytes at once: it takes the writer, which
// stops the writes, waits for the passive checkpoint to end, and
// truncates.
type walKeeper struct {
	db      *DB
	wal     string     // the WAL file's path
	passive sync.Mutex // held while tick's passive checkpoint runs
	size    int64      // the WAL file's size at tick's last look
	same    int        // tick's looks in a row that found that size
}

// checkpointer runs a walKeeper until Close.
func (db *DB) checkpointer() {
	defer close(db.done)
	var path string
	if err := db.r.QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil || path == "" {
		<-db.stop // an in-memory database has no WAL file
		return
	}
	k := &walKeeper{db: db, wal: path + "-wal"}
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { k.every(k.guard) })
	k.every(k.tick)
}

// every calls look every checkpointEvery until the store closes.
func (k *walKeeper) every(look func(ctx context.Context) bool) {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-k.db.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			look(ctx)
			cancel()
		}
	}
}

// tick truncates the WAL when it is walMaxBytes or more, or unchanged for
// idleLooks looks, and reports whether it did. Readers are short (one
// refresh's reads), so the truncation waits at most CheckpointWAL's busy
// timeout for them and, when one is in the way anyway, is tried again at
// the next look.
func (k *walKeeper) tick(ctx context.Context) bool {
	n, err := fileSize(k.wal)
	if err != nil || n == 0 {
		k.size, k.same = 0, 0
		return false
	}
	if n == k.size {
		k.same++
	} else {
		k.size, k.same = n, 0
	}
	if n < walMaxBytes && k.same < idleLooks {
		return false
	}
	k.passive.Lock()
	_, err = k.db.r.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
	k.passive.Unlock()
	if err != nil || !k.truncate(ctx, nil) {
		return false
	}
	k.size, k.same = 0, 0
	return true
}

// guard truncates the WAL when it is walHardBytes or more, after waiting,
// with the writer held, for tick's passive checkpoint to end; it reports
// whether it did.
func (k *walKeeper) guard(ctx context.Context) bool {
	if n, err := fileSize(k.wal); err != nil || n < walHardBytes {
		return false
	}
	// Taking the lock with the writer held waits for a passive checkpoint
	// in progress; holding it keeps tick from starting another one.
	locked := false
	defer func() {
		if locked {
			k.passive.Unlock()
		}
	}()
	return k.truncate(ctx, func() { k.passive.Lock(); locked = true })
}

// truncate truncates the WAL from the writer connection (truncateWAL)
// and counts it.
func (k *walKeeper) truncate(ctx context.Context, wait func()) bool {
	ok, err := k.db.truncateWAL(ctx, wait)
	if err != nil || !ok {
		return false
	}
	k.db.walTruncations.Add(1)
	return true
}
