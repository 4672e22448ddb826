package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/throttle"
)

// Slowdown defaults: past DefaultLoginSlowdownAfter failures of one
// account in a login window, from any IPs, each login of it waits
// slowdownBase, doubling per further failure, at most slowdownMax.
const (
	DefaultLoginSlowdownAfter = 5
	slowdownBase              = 250 * time.Millisecond
	slowdownMax               = 4 * time.Second
)

// authenticate checks req's password under the login throttle, for Login
// and SignIn alike (PRODUCT.md §6, issue 14):
//   - per account and IP: LoginAccountLimit failures lock that pair out
//     for the rest of the window (503 with Retry-After);
//   - per IP: LoginIPLimit failures, whatever the accounts;
//   - per account across all IPs: past LoginSlowdownAfter failures every
//     login of the account waits a growing, capped delay first; it slows
//     a distributed guesser and never locks the owner out.
//
// The account is the user when one answers to the name, so a login name
// and its e-mail count as one; an unknown name counts by its lower-cased
// spelling. Either way one spelling is limited alike, known or not.
func (s *Service) authenticate(ctx context.Context, req LoginRequest) (*store.User, error) {
	tenantID := req.TenantID
	if tenantID == "" {
		tenantID = req.Client.TenantID
	}
	u, err := s.lookup(ctx, tenantID, req.Username)
	if err != nil {
		s.metrics.Logins.WithLabelValues("failure").Inc()
		return nil, err
	}
	acct := accountKey(tenantID, u, req.Username)
	pair, ip := acct+"@"+req.Meta.IP, "ip:"+req.Meta.IP
	if err := s.throttled(pair, ip); err != nil {
		s.metrics.Logins.WithLabelValues("throttled").Inc()
		return nil, err
	}
	if err := s.slowDown(ctx, acct); err != nil {
		s.metrics.Logins.WithLabelValues("failure").Inc()
		return nil, err
	}
	u, err = s.verify(ctx, req, tenantID, u)
	if err != nil {
		s.metrics.Logins.WithLabelValues("failure").Inc()
		if AsError(err) == badCredentials {
			s.accountLimit.Fail(pair)
			s.ipLimit.Fail(ip)
			s.slowLimit.Fail(acct)
		}
		return nil, err
	}
	s.accountLimit.Reset(pair)
	s.slowLimit.Reset(acct)
	s.metrics.Logins.WithLabelValues("success").Inc()
	return u, nil
}

// accountKey names the account a login counts against: the user's ID when
// the name is a user's login name or e-mail, else the name lower-cased.
func accountKey(tenantID string, u *store.User, name string) string {
	if u != nil {
		return "acct:" + tenantID + ":id:" + u.ID
	}
	return "acct:" + tenantID + ":name:" + strings.ToLower(name)
}

// lookup returns the user answering to name in the tenant, nil when none.
func (s *Service) lookup(ctx context.Context, tenantID, name string) (*store.User, error) {
	if name == "" {
		return nil, nil
	}
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	u, err := s.st.UserByLogin(sctx, tenantID, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, storeErr("load user", err)
	}
	return u, nil
}

// throttled refuses a login while its account (from this IP) or its IP
// has too many recent failures. The answer is a retryable 503 with
// Retry-After in every dialect, and says nothing about the account.
func (s *Service) throttled(pair, ip string) error {
	for _, l := range []struct {
		lim *throttle.Limiter
		key string
	}{{s.accountLimit, pair}, {s.ipLimit, ip}} {
		if ok, wait := l.lim.Allow(l.key); !ok {
			return &Error{Code: TemporarilyUnavailable, Reason: ReasonThrottled, RetryAfter: wait.Round(time.Second) + time.Second,
				Description: "too many failed logins; retry later"}
		}
	}
	return nil
}

// slowDown waits the account's delay before its password is checked: a
// delay before the check (not after a failure) gives a guesser no early
// answer for the right password.
func (s *Service) slowDown(ctx context.Context, acct string) error {
	d := s.slowdown.Delay(s.slowLimit.Failures(acct))
	if d == 0 {
		return nil
	}
	if err := s.cfg.Sleep(ctx, d); err != nil {
		return unavailable(err)
	}
	return nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
