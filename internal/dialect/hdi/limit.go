package hdi

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// DefaultNewUsersPerHour bounds how many external users one partner (the
// client of a mount's API key) may create in any hour (mount option
// new_users_per_hour). Users it already has cost nothing; beyond the bound
// /authorize of a new X-User-Id answers 429 with Retry-After.
const DefaultNewUsersPerHour = 1000

// creationWindow is the sliding window of the creation limit.
const creationWindow = time.Hour

// creations is a sliding-window log of one partner's user creations. It
// lives in the process: with several replicas each admits its own bound.
type creations struct {
	mu  sync.Mutex
	max int
	log []time.Time // creation instants inside the window, oldest first
}

// admit records a creation at now, or refuses it with 429 and the time
// until the oldest creation in the window leaves it.
func (c *creations) admit(now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := 0
	for i < len(c.log) && !now.Before(c.log[i].Add(creationWindow)) {
		i++
	}
	c.log = c.log[i:]
	if len(c.log) >= c.max {
		return &apiError{Status: http.StatusTooManyRequests, Code: "too_many_requests",
			Message:    fmt.Sprintf("this API key created %d users in the last hour; retry later", c.max),
			RetryAfter: c.log[0].Add(creationWindow).Sub(now)}
	}
	c.log = append(c.log, now)
	return nil
}

// newUsersOption reads the mount option new_users_per_hour.
func newUsersOption(opts map[string]string) (int, error) {
	v, ok := opts["new_users_per_hour"]
	if !ok {
		return DefaultNewUsersPerHour, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("hdi: option new_users_per_hour=%q is not a positive integer", v)
	}
	return n, nil
}
