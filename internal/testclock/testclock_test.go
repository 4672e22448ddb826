package testclock

import (
	"sync"
	"testing"
	"time"
)

// TestClock: the clock starts at Start, moves only when told, by exactly
// what it is told, also from many goroutines at once.
func TestClock(t *testing.T) {
	c := New()
	if got := c.Now(); !got.Equal(Start) {
		t.Fatalf("New().Now() = %v, want %v", got, Start)
	}
	c.Advance(90 * time.Second)
	c.Advance(-30 * time.Second)
	if got, want := c.Now(), Start.Add(time.Minute); !got.Equal(want) {
		t.Errorf("after +90s and -30s Now() = %v, want %v", got, want)
	}
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() { defer wg.Done(); c.Advance(time.Second); _ = c.Now() }()
	}
	wg.Wait()
	if got, want := c.Now(), Start.Add(time.Minute+100*time.Second); !got.Equal(want) {
		t.Errorf("after 100 concurrent +1s Now() = %v, want %v", got, want)
	}
}
