package cli

import (
	"context"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/server"
	"github.com/renova-auth/renova/internal/store"
)

// mountStatus is one line of `renova migration status` (issue 15): what a
// mount has adopted from the system it replaces, and what is left.
type mountStatus struct {
	Dialect  string `json:"dialect"`
	Prefix   string `json:"prefix"`
	Tenant   string `json:"tenant"`
	Client   string `json:"client"`
	Legacy   string `json:"legacy"`             // the legacy URL, "" when the mount has none (any more)
	Until    string `json:"until,omitempty"`    // RFC 3339, "" for no end
	Open     bool   `json:"open"`               // the window is open now
	Sessions int    `json:"adopted_sessions"`   // legacy tokens adopted
	Password int    `json:"migrated_passwords"` // passwords checked once upstream and stored
	NoHash   int    `json:"users_without_hash"` // the tenant's local users still without a password
}

// migrationCmd groups the migration commands.
func migrationCmd() *cobra.Command {
	c := &cobra.Command{Use: "migration", Short: "zero-logout migration from a legacy system (docs/migration.md)"}
	st := &cobra.Command{Use: "status", Short: "per mount: adopted sessions and passwords, users still without a local hash, the window",
		Args: cobra.NoArgs, RunE: withApp(migrationStatus)}
	st.Flags().Bool("json", false, "print JSON")
	c.AddCommand(st)
	return c
}

// migrationStatus prints one line per mount with legacy= and per mount
// (tenant, client) that adopted anything, the window closed or not.
func migrationStatus(cmd *cobra.Command, app *server.App, _ []string) error {
	ctx := cmd.Context()
	counts, err := app.Store.LegacyCounts(ctx)
	if err != nil {
		return err
	}
	var out []mountStatus
	seen := map[string]bool{}
	for _, spec := range app.Cfg.Mounts {
		m, err := dialect.ParseMount(spec)
		if err != nil {
			return err
		}
		if m.Legacy == nil {
			continue
		}
		ms := mountStatus{Dialect: m.Dialect, Prefix: m.Prefix, Tenant: m.Tenant, Client: m.Client, Legacy: m.Legacy.String(),
			Open: m.Legacy.Active(app.Svc.Now())}
		if !m.Legacy.Until.IsZero() {
			ms.Until = m.Legacy.Until.Format(time.RFC3339)
		}
		seen[m.Client] = true
		out = append(out, ms)
	}
	for _, c := range counts {
		if !seen[c.ClientID] {
			seen[c.ClientID] = true
			out = append(out, mountStatus{Client: c.ClientID, Tenant: c.TenantID})
		}
	}
	for i := range out {
		if err := fill(ctx, app.Store, &out[i], counts); err != nil {
			return err
		}
	}
	return print(cmd, out, []string{"DIALECT", "PREFIX", "TENANT", "CLIENT", "LEGACY", "WINDOW", "SESSIONS", "PASSWORDS", "WITHOUT HASH"}, migrationRows(out))
}

// fill adds a mount's counts; ms.Tenant is a slug, or a tenant id for a
// mount no longer configured.
func fill(ctx context.Context, st store.Store, ms *mountStatus, counts []store.LegacyCount) error {
	t, err := st.TenantBySlug(ctx, ms.Tenant)
	if err != nil {
		if t, err = st.GetTenant(ctx, ms.Tenant); err != nil {
			return err
		}
		ms.Tenant = t.Slug
	}
	for _, c := range counts {
		if c.ClientID != ms.Client || c.TenantID != t.ID {
			continue
		}
		switch c.Kind {
		case store.LegacySession:
			ms.Sessions = c.Count
		case store.LegacyPassword:
			ms.Password = c.Count
		}
	}
	users, err := st.ListUsers(ctx, t.ID)
	for _, u := range users {
		if u.PasswordHash == "" && !u.External && !u.Disabled {
			ms.NoHash++
		}
	}
	return err
}

// migrationRows renders the table.
func migrationRows(out []mountStatus) [][]string {
	var rows [][]string
	for _, m := range out {
		window := "closed"
		switch {
		case m.Open && m.Until == "":
			window = "open (no end)"
		case m.Open:
			window = "open until " + m.Until
		case m.Until != "":
			window = "closed at " + m.Until
		}
		legacyURL := m.Legacy
		if legacyURL == "" {
			legacyURL, window = "-", "off"
		}
		rows = append(rows, []string{m.Dialect, m.Prefix, m.Tenant, m.Client, legacyURL, window,
			strconv.Itoa(m.Sessions), strconv.Itoa(m.Password), strconv.Itoa(m.NoHash)})
	}
	return rows
}
