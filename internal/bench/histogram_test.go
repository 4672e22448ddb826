package bench

import (
	"testing"
	"time"
)

// TestHistogramQuantiles checks the percentiles of known distributions
// stay within the buckets' 1.6 % error.
func TestHistogramQuantiles(t *testing.T) {
	var h Histogram
	for i := 1; i <= 100000; i++ { // 1 µs … 100 ms, uniform
		h.Record(time.Duration(i) * time.Microsecond)
	}
	cases := []struct {
		q    float64
		want time.Duration
	}{
		{0.50, 50 * time.Millisecond},
		{0.95, 95 * time.Millisecond},
		{0.99, 99 * time.Millisecond},
		{1.00, 100 * time.Millisecond},
		{0.0001, 10 * time.Microsecond},
	}
	for _, tc := range cases {
		got := h.Quantile(tc.q)
		if diff := float64(got-tc.want) / float64(tc.want); diff < 0 || diff > 0.016 {
			t.Errorf("Quantile(%v) = %v, want %v to +1.6 %%", tc.q, got, tc.want)
		}
	}
	if h.Max() != 100*time.Millisecond || h.Count() != 100000 {
		t.Errorf("Max, Count = %v, %d", h.Max(), h.Count())
	}
}

// TestHistogramBuckets checks every bucket's upper edge holds its values
// and that merging adds counts.
func TestHistogramBuckets(t *testing.T) {
	for _, us := range []uint64{0, 1, 127, 128, 129, 255, 256, 1000, 65535, 1 << 30} {
		i := bucket(us)
		if upper(i) < us || (i > 0 && upper(i-1) >= us) {
			t.Errorf("bucket(%d) = %d with upper %d (previous %d): value outside its bucket", us, i, upper(i), upper(i-1))
		}
	}
	var a, b Histogram
	a.Record(time.Millisecond)
	b.Record(3 * time.Millisecond)
	a.Merge(&b)
	if a.Count() != 2 || a.Max() != 3*time.Millisecond || a.Mean() != 2*time.Millisecond {
		t.Errorf("merged: count %d max %v mean %v", a.Count(), a.Max(), a.Mean())
	}
	var empty Histogram
	if empty.Quantile(0.99) != 0 || empty.Mean() != 0 {
		t.Errorf("empty histogram quantile/mean not 0")
	}
}
