package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/admin"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/server"
)

// clientCmd manages applications. Secrets and partner API keys are shown
// once, since only their hashes are stored: on stderr in table mode, out
// of the way of piped output; inside the object with --json, where a
// script asked for them. Client ids are global (the OAuth client_id), so
// --tenant only says where create puts a client and whose clients list
// shows; the other commands find a client by its id.
func clientCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "client", Short: "manage clients (applications)"}
	cmd.PersistentFlags().String("tenant", "demo", "tenant slug (create, list)")
	list := &cobra.Command{Use: "list", Short: "list clients", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			t, err := tenantOf(cmd, app)
			if err != nil {
				return err
			}
			cs, err := app.Svc.ListClients(cmd.Context(), auth.CLI, t.ID)
			if err != nil {
				return err
			}
			return printClients(cmd, cs)
		})}
	get := &cobra.Command{Use: "get CLIENT_ID", Short: "show a client", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			c, err := app.Svc.GetClient(cmd.Context(), auth.CLI, "", args[0])
			if err != nil {
				return fmt.Errorf("client %q: %w", args[0], err)
			}
			return printOne(cmd, admin.ClientOf(c), clientHeader, clientRow(c))
		})}
	del := &cobra.Command{Use: "delete CLIENT_ID", Short: "delete a client and revoke its sessions", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			if err := app.Svc.DeleteClient(cmd.Context(), auth.CLI, "", args[0]); err != nil {
				return fmt.Errorf("client %q: %w", args[0], err)
			}
			return done(cmd, map[string]any{"deleted": args[0]}, "deleted "+args[0]+"; its sessions are revoked")
		})}
	cmd.AddCommand(clientCreateCmd(), list, get, clientUpdateCmd(), del, rotateSecretCmd(), rotateKeyCmd(), revokeKeyCmd(), importKeyCmd())
	return cmd
}

// clientFlags declares the settings create and update share. The
// defaults are the core's (auth.Default*), shown in --help; update
// changes only the flags given. --grace 0 turns the retry window off, so
// a retry after a lost response counts as reuse (PRODUCT.md §2.3).
func clientFlags(c *cobra.Command) {
	f := c.Flags()
	f.String("name", "", "display name")
	f.StringSlice("grants", nil, "allowed grants (default password,refresh_token[,client_credentials])")
	f.StringSlice("scopes", []string{"openid", "profile"}, "allowed scopes (renova:admin or renova:admin:all open the admin API)")
	f.String("alg", "ES256", "access token signing algorithm: ES256, RS256 or EdDSA")
	f.Duration("access-ttl", auth.DefaultAccessTTL, "access token lifetime")
	f.Duration("idle-ttl", auth.DefaultIdleTTL, "refresh idle timeout")
	f.Duration("absolute-ttl", auth.DefaultAbsoluteTTL, "session absolute lifetime")
	f.Duration("grace", auth.DefaultGrace, "retry window returning the same successor (0 disables)")
	f.String("app-code", "", "application code (HDI applicationCode)")
	f.StringSlice("dialects", nil, "dialects this client is meant for (informational)")
	// Browser sign-in (issue 12): where /oauth2/authorize may send the code
	// and RP-initiated logout the browser, each compared exactly, and the
	// origins a browser front end may call the token endpoints from.
	f.StringSlice("redirect-uris", nil, "redirect URIs of the authorization code flow (exact match; loopback any port for public clients)")
	f.StringSlice("post-logout-uris", nil, "post_logout_redirect_uri values RP-initiated logout may return to (exact match)")
	f.StringSlice("origins", nil, "browser origins allowed by CORS, e.g. https://app.example (exact match)")
}

// createdClient is the --json answer of client create: the admin API's
// client with its secret and, with --api-key, the partner key.
type createdClient struct {
	admin.Client
	ClientSecret string `json:"client_secret,omitempty"`
	APIKey       string `json:"api_key,omitempty"`
}

func clientCreateCmd() *cobra.Command {
	c := &cobra.Command{Use: "create [ID]", Short: "create a client; a confidential client's secret is shown once", Args: cobra.MaximumNArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			t, err := tenantOf(cmd, app)
			if err != nil {
				return err
			}
			c := &auth.Client{}
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
			secret, err := app.Svc.CreateClient(cmd.Context(), auth.CLI, t.ID, c)
			if err != nil {
				return err
			}
			// A partner API key is for surfaces that authenticate by ?key=
			// (HDI, seed 003).
			apiKey := ""
			if withKey, _ := f.GetBool("api-key"); withKey {
				if apiKey, err = app.Svc.RotateAPIKey(cmd.Context(), auth.CLI, t.ID, c.ID); err != nil {
					return err
				}
				c.APIKeyHash = "set" // for has_api_key; the hash itself is never printed
			}
			if jsonOut(cmd) {
				return print(cmd, createdClient{admin.ClientOf(c), secret, apiKey}, nil, nil)
			}
			shown(cmd, "client secret", secret)
			shown(cmd, "partner API key", apiKey)
			return printClients(cmd, []*auth.Client{c})
		})}
	clientFlags(c)
	c.Flags().Bool("public", false, "public client (no secret; e.g. a browser or mobile app)")
	c.Flags().Bool("api-key", false, "also create a partner API key (HDI ?key=), shown once, stored hashed")
	return c
}

// shown writes a secret shown once to stderr, when there is one.
func shown(cmd *cobra.Command, what, v string) {
	if v != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "%s (shown once): %s\n", what, v)
	}
}

func clientUpdateCmd() *cobra.Command {
	c := &cobra.Command{Use: "update CLIENT_ID", Short: "change a client's settings (only the flags given)", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			p := auth.ClientPatch{Name: changed(cmd, "name"), AppCode: changed(cmd, "app-code"), Alg: changed(cmd, "alg"),
				Grants: changedList(cmd, "grants"), Scopes: changedList(cmd, "scopes"), RedirectURIs: changedList(cmd, "redirect-uris"),
				PostLogoutURIs: changedList(cmd, "post-logout-uris"), Origins: changedList(cmd, "origins"), Dialects: changedList(cmd, "dialects")}
			for name, dst := range map[string]**time.Duration{"access-ttl": &p.AccessTTL, "idle-ttl": &p.IdleTTL,
				"absolute-ttl": &p.AbsoluteTTL, "grace": &p.Grace} {
				if cmd.Flags().Changed(name) {
					d, _ := cmd.Flags().GetDuration(name)
					*dst = &d
				}
			}
			c, err := app.Svc.UpdateClient(cmd.Context(), auth.CLI, "", args[0], p)
			if err != nil {
				return fmt.Errorf("client %q: %w", args[0], err)
			}
			return printClients(cmd, []*auth.Client{c})
		})}
	clientFlags(c)
	return c
}

// rotateSecretCmd gives a confidential client a new secret; the old one
// keeps working for --overlap. It is also the way back when a secret,
// such as the first start's, is lost: --overlap 0 ends the old one now.
func rotateSecretCmd() *cobra.Command {
	c := &cobra.Command{Use: "rotate-secret CLIENT_ID", Short: "give a client a new secret, shown once; the old one works for --overlap", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			overlap, _ := cmd.Flags().GetDuration("overlap")
			r, err := app.Svc.RotateClientSecret(cmd.Context(), auth.CLI, "", args[0], overlap)
			if err != nil {
				return fmt.Errorf("client %q: %w", args[0], err)
			}
			if jsonOut(cmd) {
				v := map[string]any{"client_id": args[0], "client_secret": r.Secret}
				if !r.PreviousUntil.IsZero() {
					v["previous_secret_until"] = r.PreviousUntil
				}
				return print(cmd, v, nil, nil)
			}
			shown(cmd, "client secret", r.Secret)
			msg := "the previous secret of " + args[0] + " no longer works"
			if !r.PreviousUntil.IsZero() {
				msg = "the previous secret of " + args[0] + " works until " + r.PreviousUntil.Format(time.RFC3339)
			}
			fmt.Fprintln(cmd.OutOrStdout(), msg)
			return nil
		})}
	c.Flags().Duration("overlap", auth.DefaultSecretOverlap, "how long the previous secret keeps working (0: not at all; at most 720h)")
	return c
}

func rotateKeyCmd() *cobra.Command {
	return &cobra.Command{Use: "rotate-key CLIENT_ID", Short: "give a client a new partner API key, shown once (the old one stops)", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			key, err := app.Svc.RotateAPIKey(cmd.Context(), auth.CLI, "", args[0])
			if err != nil {
				return fmt.Errorf("client %q: %w", args[0], err)
			}
			if jsonOut(cmd) {
				return print(cmd, map[string]any{"client_id": args[0], "api_key": key}, nil, nil)
			}
			shown(cmd, "partner API key", key)
			return nil
		})}
}

func revokeKeyCmd() *cobra.Command {
	return &cobra.Command{Use: "revoke-key CLIENT_ID", Short: "revoke a client's partner API key", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			if err := app.Svc.DeleteAPIKey(cmd.Context(), auth.CLI, "", args[0]); err != nil {
				return fmt.Errorf("client %q: %w", args[0], err)
			}
			return done(cmd, map[string]any{"api_key_revoked": args[0]}, "API key of "+args[0]+" revoked")
		})}
}

// clientHeader and clientRow are a client's table form.
var clientHeader = []string{"CLIENT_ID", "PUBLIC", "GRANTS", "ALG", "ACCESS_TTL", "GRACE"}

func clientRow(c *auth.Client) []string {
	return []string{c.ID, strconv.FormatBool(c.Public), strings.Join(c.Grants, ","), c.Alg, c.AccessTTL.String(), c.Grace.String()}
}

// printClients prints clients as the admin API shows them: never a
// secret or a hash.
func printClients(cmd *cobra.Command, cs []*auth.Client) error {
	var rows [][]string
	for _, c := range cs {
		rows = append(rows, clientRow(c))
	}
	return print(cmd, admin.Each(cs, admin.ClientOf), clientHeader, rows)
}
