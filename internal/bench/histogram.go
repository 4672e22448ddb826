package bench

import (
	"math/bits"
	"time"
)

// Histogram counts latencies in log-linear buckets of microseconds: exact
// below 128 µs, then 64 buckets per power of two, so every percentile is
// within 1.6 % of the true value while a worker records without locks or
// allocation (the idea of HdrHistogram, in 20 KiB).
type Histogram struct {
	counts [nBuckets]uint64
	n      uint64
	max    time.Duration
	sum    time.Duration
}

const (
	linear   = 128 // values below this many µs get a bucket each
	perPower = 64  // buckets per power of two above that
	nBuckets = linear + 40*perPower
)

// bucket returns the index of the bucket that holds us microseconds.
func bucket(us uint64) int {
	if us < linear {
		return int(us)
	}
	shift := bits.Len64(us) - 7 // keeps the top 7 bits: m in [64, 128)
	m := us >> shift
	i := linear + (shift-1)*perPower + int(m-perPower)
	return min(i, nBuckets-1)
}

// upper returns the largest value, in µs, that bucket i holds.
func upper(i int) uint64 {
	if i < linear {
		return uint64(i)
	}
	shift := (i-linear)/perPower + 1
	m := uint64((i-linear)%perPower + perPower)
	return (m+1)<<shift - 1
}

// Record adds one latency.
func (h *Histogram) Record(d time.Duration) {
	h.counts[bucket(uint64(max(d, 0)/time.Microsecond))]++
	h.n++
	h.sum += d
	h.max = max(h.max, d)
}

// Merge adds every count of o to h.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// Count returns how many latencies were recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Max returns the largest latency recorded.
func (h *Histogram) Max() time.Duration { return h.max }

// Mean returns the average latency, 0 when empty.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}

// Quantile returns the latency below which a fraction q (0..1) of the
// recorded values fall: the upper edge of the bucket that holds the q-th
// value, never more than the maximum.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(upper(i))*time.Microsecond, h.max)
		}
	}
	return h.max
}
