package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/server"
	"github.com/renova-auth/renova/internal/store"
)

// clientCmd manages the applications of one tenant. create shows a
// confidential client's secret and a partner API key once, since only
// their hashes are stored: on stderr in table mode, out of the way of
// piped output; inside the object with --json, where a script asked for
// them.
func clientCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "client", Short: "manage clients (applications)"}
	// Client ids are global (the OAuth client_id), so --tenant only says
	// where create puts a client and which tenant's clients list shows.
	cmd.PersistentFlags().String("tenant", "demo", "tenant slug")
	create := &cobra.Command{Use: "create [ID]", Short: "create a client; a confidential client's secret is shown once", Args: cobra.MaximumNArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			t, err := tenantOf(cmd, app)
			if err != nil {
				return err
			}
			c := &store.Client{TenantID: t.ID}
			if len(args) == 1 {
				c.ID = args[0]
			}
			f := cmd.Flags()
			c.Name, _ = f.GetString("name")
			c.Public, _ = f.GetBool("public")
			c.Grants, _ = f.GetStringSlice("grants")
			c.Scopes, _ = f.GetStringSlice("scopes")
			c.Alg, _ = f.GetString("alg")
			c.AccessTTL, _ = f.GetDuration("access-ttl")
			c.IdleTTL, _ = f.GetDuration("idle-ttl")
			c.AbsoluteTTL, _ = f.GetDuration("absolute-ttl")
			c.Grace, _ = f.GetDuration("grace")
			c.AppCode, _ = f.GetString("app-code")
			c.Dialects, _ = f.GetStringSlice("dialects")
			c.RedirectURIs, _ = f.GetStringSlice("redirect-uris")
			c.PostLogoutURIs, _ = f.GetStringSlice("post-logout-uris")
			c.Origins, _ = f.GetStringSlice("origins")
			secret, err := app.Svc.NewClient(cmd.Context(), c)
			if err != nil {
				return err
			}
			// A partner API key is for surfaces that authenticate by ?key=
			// (HDI, seed 003); a new one replaces any earlier key.
			apiKey := ""
			if withKey, _ := f.GetBool("api-key"); withKey {
				if apiKey, err = app.Svc.NewAPIKey(cmd.Context(), c.ID); err != nil {
					return err
				}
			}
			if jsonOut(cmd) {
				return print(cmd, map[string]any{"client": view(c), "client_secret": secret, "api_key": apiKey}, nil, nil)
			}
			if secret != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "client secret (shown once): %s\n", secret)
			}
			if apiKey != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "partner API key (shown once): %s\n", apiKey)
			}
			return printClients(cmd, []*store.Client{c})
		})}
	// The defaults are the core's (auth.Default*), shown in --help. --grace 0
	// turns the retry window off, so a client's retry after a lost response
	// counts as reuse and ends the session (PRODUCT.md §2.3); a zero
	// lifetime falls back to the default;
	// no --grants means password and refresh_token, plus client_credentials
	// for a confidential client (auth.NewClient).
	f := create.Flags()
	f.String("name", "", "display name")
	f.Bool("public", false, "public client (no secret; e.g. a browser or mobile app)")
	f.StringSlice("grants", nil, "allowed grants (default password,refresh_token[,client_credentials])")
	f.StringSlice("scopes", []string{"openid", "profile"}, "allowed scopes")
	f.String("alg", "ES256", "access token signing algorithm: ES256, RS256 or EdDSA")
	f.Duration("access-ttl", auth.DefaultAccessTTL, "access token lifetime")
	f.Duration("idle-ttl", auth.DefaultIdleTTL, "refresh idle timeout")
	f.Duration("absolute-ttl", auth.DefaultAbsoluteTTL, "session absolute lifetime")
	f.Duration("grace", auth.DefaultGrace, "retry window returning the same successor (0 disables)")
	f.Bool("api-key", false, "also create a partner API key (HDI ?key=), shown once, stored hashed")
	f.String("app-code", "", "application code (HDI applicationCode)")
	f.StringSlice("dialects", nil, "dialects this client is meant for (informational)")
	// Browser sign-in (issue 12): where /oauth2/authorize may send the code
	// and RP-initiated logout the browser, each compared exactly, and the
	// origins a browser front end may call the token endpoints from.
	f.StringSlice("redirect-uris", nil, "redirect URIs of the authorization code flow (exact match; loopback any port for public clients)")
	f.StringSlice("post-logout-uris", nil, "post_logout_redirect_uri values RP-initiated logout may return to (exact match)")
	f.StringSlice("origins", nil, "browser origins allowed by CORS, e.g. https://app.example (exact match)")
	list := &cobra.Command{Use: "list", Short: "list clients", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			t, err := tenantOf(cmd, app)
			if err != nil {
				return err
			}
			cs, err := app.Store.ListClients(cmd.Context(), t.ID)
			if err != nil {
				return err
			}
			return printClients(cmd, cs)
		})}
	revokeKey := &cobra.Command{Use: "revoke-key CLIENT_ID", Short: "revoke a client's partner API key", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			if err := app.Svc.RevokeAPIKey(cmd.Context(), args[0]); err != nil {
				return fmt.Errorf("client %q: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "API key of %s revoked\n", args[0])
			return nil
		})}
	cmd.AddCommand(create, list, revokeKey)
	return cmd
}

// clientView is the JSON shape of a client: never the secret or API key
// hash. Durations are Go duration strings ("15m0s"), as the flags take.
type clientView struct {
	ID             string   `json:"client_id"`
	Name           string   `json:"name,omitempty"`
	Public         bool     `json:"public"`
	Grants         []string `json:"grants"`
	Scopes         []string `json:"scopes"`
	RedirectURIs   []string `json:"redirect_uris,omitempty"`
	PostLogoutURIs []string `json:"post_logout_redirect_uris,omitempty"`
	Origins        []string `json:"origins,omitempty"`
	Alg            string   `json:"alg"`
	AccessTTL      string   `json:"access_ttl"`
	IdleTTL        string   `json:"idle_ttl"`
	AbsoluteTTL    string   `json:"absolute_ttl"`
	Grace          string   `json:"grace"`
}

// view is the clientView of c.
func view(c *store.Client) clientView {
	return clientView{ID: c.ID, Name: c.Name, Public: c.Public, Grants: c.Grants, Scopes: c.Scopes, RedirectURIs: c.RedirectURIs,
		PostLogoutURIs: c.PostLogoutURIs, Origins: c.Origins, Alg: c.Alg, AccessTTL: c.AccessTTL.String(), IdleTTL: c.IdleTTL.String(),
		AbsoluteTTL: c.AbsoluteTTL.String(), Grace: c.Grace.String()}
}

// printClients prints clients as clientViews.
func printClients(cmd *cobra.Command, cs []*store.Client) error {
	views := []clientView{}
	var rows [][]string
	for _, c := range cs {
		views = append(views, view(c))
		rows = append(rows, []string{c.ID, strconv.FormatBool(c.Public), strings.Join(c.Grants, ","), c.Alg, c.AccessTTL.String(), c.Grace.String()})
	}
	return print(cmd, views, []string{"CLIENT_ID", "PUBLIC", "GRANTS", "ALG", "ACCESS_TTL", "GRACE"}, rows)
}

// keysCmd lists and rotates the signing keys (PRODUCT.md §1). rotate
// promotes the key already published as next, so tokens it signs verify
// against JWKS documents that verifiers cached before the rotation; the
// retired key stays published until every token it signed expired (keys.Ring.RetiredFor). Running servers
// follow within --key-reload. rotate refuses a next key published less than
// the JWKS cache lifetime plus --key-reload ago, naming the wait, unless
// --force (a compromised key: verifiers with a cached JWKS then refuse new
// tokens until they fetch it again).
func keysCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "manage signing keys"}
	list := &cobra.Command{Use: "list", Short: "list signing keys", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			ks, err := app.Store.ListKeys(cmd.Context())
			if err != nil {
				return err
			}
			// keyView is a key without its sealed private part. A time is
			// zero for a state not reached yet (a next key has no
			// ActivatedAt, a live one no RetiredAt).
			type keyView struct {
				Kid, Alg, State                   string
				CreatedAt, ActivatedAt, RetiredAt time.Time
			}
			var views []keyView
			var rows [][]string
			for _, k := range ks {
				views = append(views, keyView{k.ID, k.Alg, k.State, k.CreatedAt, k.ActivatedAt, k.RetiredAt})
				rows = append(rows, []string{k.ID, k.Alg, k.State, k.CreatedAt.Format(time.RFC3339)})
			}
			return print(cmd, views, []string{"KID", "ALG", "STATE", "CREATED"}, rows)
		})}
	rotate := &cobra.Command{Use: "rotate [ALG]", Short: "promote the published next key to current (default: every algorithm)", Args: cobra.MaximumNArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			algs := []string{"ES256", "RS256", "EdDSA"}
			if len(args) == 1 {
				algs = args
			}
			force, _ := cmd.Flags().GetBool("force")
			rotate := app.Ring.Rotate
			if force {
				rotate = app.Ring.ForceRotate
			}
			for _, alg := range algs {
				if err := rotate(cmd.Context(), alg); err != nil {
					if errors.Is(err, store.ErrKeyTooYoung) {
						return fmt.Errorf("%w (--force)", err)
					}
					return err
				}
				cur, _ := app.Ring.Current(alg) // Rotate reloaded the ring
				fmt.Fprintf(cmd.OutOrStdout(), "%s: current key is now %s\n", alg, cur.Kid)
			}
			return nil
		})}
	rotate.Flags().Bool("force", false, "promote the next key even if verifiers may not have fetched it yet")
	cmd.AddCommand(list, rotate)
	return cmd
}

// sessionsCmd lists and revokes sessions, each one refresh-token family.
// list shows at most the 100 newest, with a state computed now, since an
// expired session stays in the store as it was. revoke goes through the
// core, which audits it: --user logs a user out everywhere, a SESSION_ID
// ends that one session with reason "admin" and actor "cli".
func sessionsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "sessions", Short: "list and revoke sessions"}
	list := &cobra.Command{Use: "list", Short: "list sessions (newest first)", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			f := store.SessionFilter{Limit: 100, Now: time.Now()}
			f.UserID, _ = cmd.Flags().GetString("user-id")
			f.ClientID, _ = cmd.Flags().GetString("client")
			f.Active, _ = cmd.Flags().GetBool("active")
			ss, err := app.Store.ListSessions(cmd.Context(), f)
			if err != nil {
				return err
			}
			var rows [][]string
			for _, s := range ss {
				// IdleExpiresAt is min(last use + idle timeout, absolute end),
				// so one comparison covers both expiries.
				state := "live"
				if s.Revoked() {
					state = "revoked:" + s.RevokeReason
				} else if !f.Now.Before(s.IdleExpiresAt) {
					state = "expired"
				}
				rows = append(rows, []string{s.ID, s.UserID, s.ClientID, strconv.FormatInt(s.Generation, 10), s.CreatedAt.Format(time.RFC3339), state})
			}
			// --json prints the stored sessions as they are: a session
			// holds no token, only its family's metadata.
			return print(cmd, ss, []string{"SESSION", "USER", "CLIENT", "GEN", "CREATED", "STATE"}, rows)
		})}
	list.Flags().String("user-id", "", "only this user's sessions")
	list.Flags().String("client", "", "only this client's sessions")
	list.Flags().Bool("active", false, "only live sessions")
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
				n, err := app.Svc.RevokeUser(cmd.Context(), u.ID, "", "logout_everywhere", auth.Meta{})
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "revoked %d session(s) of %s\n", n, u.Login)
				return nil
			}
			if err := app.Svc.RevokeSession(cmd.Context(), args[0], "admin", "cli", auth.Meta{}); err != nil {
				return fmt.Errorf("revoke %s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revoked %s\n", args[0])
			return nil
		})}
	revoke.Flags().String("user", "", "revoke every session of this user (login or e-mail)")
	// Session ids are global; --tenant only resolves the login of --user.
	revoke.Flags().String("tenant", "demo", "tenant slug, with --user")
	cmd.AddCommand(list, revoke)
	return cmd
}
