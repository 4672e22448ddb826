package hdi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// DefaultNewUsersPerHour bounds how many external users one partner (the
// client of a mount's API key) may create in any hour (mount option
// new_users_per_hour). Users it already has cost nothing; beyond the bound
// /authorize of a new X-User-Id answers 429 with Retry-After.
const DefaultNewUsersPerHour = 1000

// creationWindow is the sliding window of the creation limit.
const creationWindow = time.Hour

// admitCreation records a creation of one of partner's users, or refuses
// it with 429 and the real time until the oldest creation in the hour
// leaves it. The core keeps the log where the login throttle keeps its
// counts: shared by every replica on PostgreSQL, so the bound holds for
// the partner across them.
func (s *Surface) admitCreation(ctx context.Context, partner string) error {
	wait, err := s.b.Svc.AdmitCreation(ctx, partner, creationWindow, s.maxNew)
	if err != nil || wait == 0 {
		return err
	}
	return &apiError{Status: http.StatusTooManyRequests, Code: "too_many_requests",
		Message:    fmt.Sprintf("this API key created %d users in the last hour; retry later", s.maxNew),
		RetryAfter: wait}
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
