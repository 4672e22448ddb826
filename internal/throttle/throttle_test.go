package throttle

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(3, time.Minute, func() time.Time { return now })
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("attempt %d refused before the limit", i)
		}
		l.Fail("a")
	}
	if ok, wait := l.Allow("a"); ok || wait != time.Minute {
		t.Errorf("after 3 failures Allow = %v, %v; want refused for 1m", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Error("another key is limited too")
	}
	now = now.Add(time.Minute)
	if ok, _ := l.Allow("a"); !ok {
		t.Error("still refused after the window")
	}
	l.Fail("a")
	l.Reset("a")
	if ok, _ := l.Allow("a"); !ok {
		t.Error("refused after Reset")
	}
}
