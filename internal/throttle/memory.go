package throttle

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// Memory is the store.Throttle of a single process (the SQLite backend):
// counts and logs live in a map, lost on restart, which only forgives a
// guesser the rest of a window. It never fails.
type Memory struct {
	mu     sync.Mutex
	counts map[string]store.Count
	logs   map[string][]time.Time // admitted instants per key, oldest first
}

var _ store.Throttle = (*Memory)(nil)

// maxEntries bounds memory: a new key past it first prunes every count whose
// window ended and every log left empty.
const maxEntries = 100_000

// NewMemory returns an empty in-process throttle store.
func NewMemory() *Memory {
	return &Memory{counts: map[string]store.Count{}, logs: map[string][]time.Time{}}
}

// Counts returns each key's count in its window at now.
func (m *Memory) Counts(_ context.Context, now time.Time, keys ...string) ([]store.Count, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]store.Count, len(keys))
	for i, k := range keys {
		if c := m.counts[k]; c.Ends.After(now) {
			out[i] = c
		}
	}
	return out, nil
}

// Add counts one event for each distinct key.
func (m *Memory) Add(_ context.Context, now time.Time, window time.Duration, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range distinct(keys) {
		c, ok := m.counts[k]
		if !c.Ends.After(now) {
			if !ok && len(m.counts) >= maxEntries {
				m.prune(now)
			}
			c = store.Count{Ends: now.Add(window)}
		}
		c.N++
		m.counts[k] = c
	}
	return nil
}

// Reset forgets keys' counts.
func (m *Memory) Reset(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.counts, k)
	}
	return nil
}

// Admit records an event of key at now when fewer than max fall in the
// sliding window, else returns the wait until the oldest leaves it.
func (m *Memory) Admit(_ context.Context, key string, now time.Time, window time.Duration, max int) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	log := live(m.logs[key], now, window)
	if len(log) >= max {
		m.logs[key] = log
		return log[0].Add(window).Sub(now), nil
	}
	if _, ok := m.logs[key]; !ok && len(m.logs) >= maxEntries {
		m.pruneLogs(now, window)
	}
	m.logs[key] = append(log, now)
	return 0, nil
}

// distinct returns keys sorted, each once: a key named twice in one Add
// counts once, and every backend takes the locks of its keys in one
// order, so concurrent Adds cannot deadlock.
func distinct(keys []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(keys)))
}

// live drops the instants of log that left the window (now-window, now].
func live(log []time.Time, now time.Time, window time.Duration) []time.Time {
	i := 0
	for i < len(log) && !now.Before(log[i].Add(window)) {
		i++
	}
	return log[i:]
}

// prune drops every count whose window ended at now.
func (m *Memory) prune(now time.Time) {
	for k, c := range m.counts {
		if !c.Ends.After(now) {
			delete(m.counts, k)
		}
	}
}

// pruneLogs drops every log with no instant left in its window.
func (m *Memory) pruneLogs(now time.Time, window time.Duration) {
	for k, log := range m.logs {
		if len(live(log, now, window)) == 0 {
			delete(m.logs, k)
		}
	}
}
