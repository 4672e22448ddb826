package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/admin"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/server"
)

// keysCmd lists and rotates the signing keys (PRODUCT.md §1). rotate
// promotes the key already published as next, so tokens it signs verify
// against JWKS documents that verifiers cached before the rotation; the
// retired key stays published until every token it signed expired (keys.Ring.RetiredFor). Running servers
// follow within --key-reload. rotate refuses a next key published less
// than the JWKS cache lifetime plus --key-reload ago, naming the wait,
// unless --force (a compromised key: verifiers with a cached JWKS then
// refuse new tokens until they fetch it again). The admin API applies the
// same rule (auth.Service.RotateKey).
func keysCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "manage signing keys"}
	list := &cobra.Command{Use: "list", Short: "list signing keys", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			ks, err := app.Svc.ListKeys(cmd.Context(), auth.CLI)
			if err != nil {
				return err
			}
			var rows [][]string
			for _, k := range ks {
				rows = append(rows, []string{k.ID, k.Alg, k.State, k.CreatedAt.Format(time.RFC3339)})
			}
			return print(cmd, admin.Each(ks, admin.KeyOf), []string{"KID", "ALG", "STATE", "CREATED"}, rows)
		})}
	rotate := &cobra.Command{Use: "rotate [ALG]", Short: "promote the published next key to current (default: every algorithm)", Args: cobra.MaximumNArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			algs := []string{"ES256", "RS256", "EdDSA"}
			if len(args) == 1 {
				algs = args
			}
			force, _ := cmd.Flags().GetBool("force")
			var out []admin.Key
			for _, alg := range algs {
				if err := app.Svc.RotateKey(cmd.Context(), auth.CLI, alg, force); err != nil {
					if ae := auth.AsError(err); ae != nil && ae.Reason == "key_too_young" {
						return fmt.Errorf("%s (--force)", ae.Description)
					}
					return err
				}
				cur, _ := app.Ring.Current(alg) // RotateKey reloaded the ring
				out = append(out, admin.Key{Kid: cur.Kid, Alg: alg, State: "current"})
				if !jsonOut(cmd) {
					fmt.Fprintf(cmd.OutOrStdout(), "%s: current key is now %s\n", alg, cur.Kid)
				}
			}
			if jsonOut(cmd) {
				return print(cmd, out, nil, nil)
			}
			return nil
		})}
	rotate.Flags().Bool("force", false, "promote the next key even if verifiers may not have fetched it yet")
	cmd.AddCommand(list, rotate)
	return cmd
}

// sessionsCmd lists and revokes sessions, each one refresh-token family.
// list shows at most the --limit newest, with a state judged now, since
// an expired session stays in the store as it was. revoke goes through
// the core, which audits it: --user logs a user out everywhere, a
// SESSION_ID ends that one session with reason "admin" and actor "cli".
func sessionsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "sessions", Short: "list and revoke sessions"}
	list := &cobra.Command{Use: "list", Short: "list sessions (newest first)", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			var q auth.SessionQuery
			q.UserID, _ = cmd.Flags().GetString("user-id")
			q.ClientID, _ = cmd.Flags().GetString("client")
			q.Active, _ = cmd.Flags().GetBool("active")
			q.Limit, _ = cmd.Flags().GetInt("limit")
			tenantID := ""
			if cmd.Flags().Changed("tenant") {
				t, err := tenantOf(cmd, app)
				if err != nil {
					return err
				}
				tenantID = t.ID
			}
			ss, err := app.Svc.ListSessions(cmd.Context(), auth.CLI, tenantID, q)
			if err != nil {
				return err
			}
			now := app.Svc.Now()
			var rows [][]string
			for _, s := range ss {
				v := admin.SessionOf(s, now)
				state := map[string]string{"active": "live", "expired": "expired", "revoked": "revoked:" + s.RevokeReason}[v.State]
				rows = append(rows, []string{s.ID, s.UserID, s.ClientID, strconv.FormatInt(s.Generation, 10), s.CreatedAt.Format(time.RFC3339), state})
			}
			views := admin.Each(ss, func(s *auth.Session) admin.Session { return admin.SessionOf(s, now) })
			return print(cmd, views, []string{"SESSION", "USER", "CLIENT", "GEN", "CREATED", "STATE"}, rows)
		})}
	list.Flags().String("user-id", "", "only this user's sessions")
	list.Flags().String("client", "", "only this client's sessions")
	list.Flags().Bool("active", false, "only live sessions")
	list.Flags().Int("limit", 100, "at most this many (1-500)")
	list.Flags().String("tenant", "", "only this tenant's sessions (slug)")
	revoke := &cobra.Command{Use: "revoke [SESSION_ID]", Short: "revoke a session, or with --user every session of a user (log out everywhere)", Args: cobra.MaximumNArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			login, _ := cmd.Flags().GetString("user")
			// Exactly one of the two: a bare revoke must not guess.
			if (login == "") == (len(args) == 0) {
				return fmt.Errorf("give a SESSION_ID or --user LOGIN")
			}
			if login != "" {
				u, err := userOf(cmd, app, login)
				if err != nil {
					return err
				}
				n, err := app.Svc.RevokeUserSessions(cmd.Context(), auth.CLI, u.TenantID, u.ID)
				if err != nil {
					return err
				}
				return done(cmd, map[string]any{"revoked": n}, fmt.Sprintf("revoked %d session(s) of %s", n, u.Login))
			}
			if err := app.Svc.AdminRevokeSession(cmd.Context(), auth.CLI, "", args[0]); err != nil {
				return fmt.Errorf("revoke %s: %w", args[0], err)
			}
			return done(cmd, map[string]any{"revoked": 1}, "revoked "+args[0])
		})}
	revoke.Flags().String("user", "", "revoke every session of this user (login or e-mail)")
	// Session ids are global; --tenant only resolves the login of --user.
	revoke.Flags().String("tenant", "demo", "tenant slug, with --user")
	cmd.AddCommand(list, revoke, sessionsImportCmd())
	return cmd
}

// auditCmd reads the audit trail: list shows one page, newest first, with
// the cursor of the next; export writes every matching event as NDJSON.
func auditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "query the audit trail"}
	list := &cobra.Command{Use: "list", Short: "list audit events, newest first (one page; --cursor for the next)", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			q, err := auditQuery(cmd, app)
			if err != nil {
				return err
			}
			q.Cursor, _ = cmd.Flags().GetString("cursor")
			q.Limit, _ = cmd.Flags().GetInt("limit")
			p, err := app.Svc.QueryAudit(cmd.Context(), auth.CLI, q)
			if err != nil {
				return err
			}
			if jsonOut(cmd) {
				return print(cmd, struct {
					Items []admin.AuditEvent `json:"items"`
					Next  string             `json:"next_cursor,omitempty"`
				}{admin.Each(p.Events, admin.AuditEventOf), p.Next}, nil, nil)
			}
			var rows [][]string
			for _, e := range p.Events {
				rows = append(rows, []string{e.Time.Format(time.RFC3339), e.Actor, e.Action, e.Outcome, e.Reason, e.UserID, e.ClientID, e.SessionID})
			}
			if err := print(cmd, nil, []string{"TIME", "ACTOR", "ACTION", "OUTCOME", "REASON", "USER", "CLIENT", "SESSION"}, rows); err != nil {
				return err
			}
			if p.Next != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "more: --cursor %s\n", p.Next)
			}
			return nil
		})}
	auditFlags(list)
	list.Flags().String("cursor", "", "the cursor a previous page printed")
	list.Flags().Int("limit", 50, "events per page (1-500)")
	export := &cobra.Command{Use: "export", Short: "write every matching audit event as NDJSON, newest first", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			q, err := auditQuery(cmd, app)
			if err != nil {
				return err
			}
			w := bufio.NewWriter(cmd.OutOrStdout())
			enc := json.NewEncoder(w)
			if err := app.Svc.ExportAudit(cmd.Context(), auth.CLI, q, func(e *auth.AuditEvent) error {
				return enc.Encode(admin.AuditEventOf(e))
			}); err != nil {
				return err
			}
			return w.Flush()
		})}
	auditFlags(export)
	cmd.AddCommand(list, export)
	return cmd
}

// auditFlags declares the filters of the audit commands, those of GET
// /admin/v1/audit.
func auditFlags(c *cobra.Command) {
	f := c.Flags()
	f.String("tenant", "", "only this tenant's events (slug)")
	f.String("user-id", "", "only events concerning this user id")
	f.String("client", "", "only events concerning this client id")
	f.String("session", "", "only events of this session id")
	f.String("action", "", "only this action, e.g. refresh.reuse or admin.client.secret_rotated")
	f.String("since", "", "only events at or after this RFC 3339 time")
	f.String("until", "", "only events before this RFC 3339 time")
}

// auditQuery reads the audit filters.
func auditQuery(cmd *cobra.Command, app *server.App) (auth.AuditQuery, error) {
	f := cmd.Flags()
	var q auth.AuditQuery
	q.UserID, _ = f.GetString("user-id")
	q.ClientID, _ = f.GetString("client")
	q.SessionID, _ = f.GetString("session")
	q.Action, _ = f.GetString("action")
	if slug, _ := f.GetString("tenant"); slug != "" {
		t, err := app.Svc.AdminTenant(cmd.Context(), auth.CLI, slug)
		if err != nil {
			return q, fmt.Errorf("tenant %q: %w", slug, err)
		}
		q.TenantID = t.ID
	}
	for name, dst := range map[string]*time.Time{"since": &q.Since, "until": &q.Until} {
		if v, _ := f.GetString(name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return q, fmt.Errorf("--%s: want an RFC 3339 time such as 2026-01-02T15:04:05Z", name)
			}
			*dst = t
		}
	}
	return q, nil
}
