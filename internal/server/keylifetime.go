package server

import (
	"context"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// longestTokenLifetime returns how the key ring finds the longest
// lifetime of a token it signs (keys.Ring.SetTokenLifetime): access and
// ID tokens, and HDI's JWT, all live their client's AccessTTL, so it is
// the longest AccessTTL of any client of any tenant, read at each key
// reload. With no client yet it is the default a new client gets.
func longestTokenLifetime(st store.Clients) func(ctx context.Context) (time.Duration, error) {
	return func(ctx context.Context) (time.Duration, error) {
		all, err := st.ListClients(ctx, "")
		if err != nil {
			return 0, err
		}
		if len(all) == 0 {
			return auth.DefaultAccessTTL, nil
		}
		var longest time.Duration
		for _, c := range all {
			longest = max(longest, c.AccessTTL)
		}
		return longest, nil
	}
}
