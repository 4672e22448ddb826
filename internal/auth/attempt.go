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
//     for the rest of the window (503 with the real Retry-After);
//   - per IP: LoginIPLimit failures, whatever the accounts;
//   - per account across all IPs: past LoginSlowdownAfter failures every
//     login of the account waits a growing, capped delay first; it slows
//     a distributed guesser and never locks the owner out.
//
// The account is the user when one answers to the name, so a login name
// and its e-mail count as one; an unknown name counts by its lower-cased
// spelling. Either way one spelling is limited alike, known or not.
//
// The counts live in cfg.Throttle, shared by the replicas on PostgreSQL.
// When it fails the login fails closed, with the store's 503: the
// throttle is what stands between a guesser and the passwords, and the
// users, sessions and counts share one database, so a login could not
// have finished without it anyway.
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
	at, err := s.admitLogin(ctx, accountKey(tenantID, u, req.Username), req.Meta.IP)
	if err != nil {
		return nil, err
	}
	u, err = s.verify(ctx, req, tenantID, u)
	if err == nil {
		err = s.throttleCall(ctx, "throttle success", func(ctx context.Context) error { return s.login.Succeed(ctx, at) })
	} else if AsError(err) == badCredentials {
		if ferr := s.throttleCall(ctx, "throttle failure", func(ctx context.Context) error { return s.login.Fail(ctx, s.cfg.Now(), at) }); ferr != nil {
			err = ferr
		}
	}
	if err != nil {
		s.metrics.Logins.WithLabelValues("failure").Inc()
		return nil, err
	}
	s.metrics.Logins.WithLabelValues("success").Inc()
	return u, nil
}

// admitLogin reads the throttle's counts for a login of acct from ip (one
// round trip), refuses it while locked out and waits its slowdown delay.
// A delay before the check (not after a failure) gives a guesser no early
// answer for the right password.
func (s *Service) admitLogin(ctx context.Context, acct, ip string) (*throttle.Attempt, error) {
	var at *throttle.Attempt
	err := s.throttleCall(ctx, "throttle check", func(ctx context.Context) (err error) {
		at, err = s.login.Check(ctx, s.cfg.Now(), acct, ip)
		return err
	})
	if err != nil {
		s.metrics.Logins.WithLabelValues("failure").Inc()
		return nil, err
	}
	if wait := s.login.Wait(at); wait > 0 {
		s.metrics.Logins.WithLabelValues("throttled").Inc()
		return nil, &Error{Code: TemporarilyUnavailable, Reason: ReasonThrottled, RetryAfter: wait,
			Description: "too many failed logins; retry later"}
	}
	if d := s.login.Delay(at); d > 0 {
		if err := s.cfg.Sleep(ctx, d); err != nil {
			s.metrics.Logins.WithLabelValues("failure").Inc()
			return nil, unavailable(err)
		}
	}
	return at, nil
}

// throttleCall runs one throttle store call under the store timeout; a
// failure is the store's answer (503 when it is unavailable).
func (s *Service) throttleCall(ctx context.Context, op string, call func(context.Context) error) error {
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := call(sctx); err != nil {
		return storeErr(op, err)
	}
	return nil
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
