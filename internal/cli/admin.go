package cli

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/password"
	"github.com/renova-auth/renova/internal/server"
	"github.com/renova-auth/renova/internal/store"
)

// tenantCmd manages tenants. A tenant's numeric code is what HDI's
// X-Company-Id and FormulaCerta's ClienteId carry (store.Tenant); create
// takes the next free one unless --code is given.
func tenantCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "tenant", Short: "manage tenants (companies)"}
	create := &cobra.Command{Use: "create SLUG", Short: "create a tenant", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			name, _ := cmd.Flags().GetString("name")
			typ, _ := cmd.Flags().GetString("type")
			code, _ := cmd.Flags().GetInt64("code")
			// One above the highest: codes are unique (the store refuses a
			// repeat), and a gap left by hand is never filled behind it.
			if code == 0 {
				list, err := app.Store.ListTenants(cmd.Context())
				if err != nil {
					return err
				}
				for _, t := range list {
					code = max(code, t.Code)
				}
				code++
			}
			if name == "" {
				name = args[0]
			}
			t := &store.Tenant{ID: auth.NewID(rand.Reader, "ten"), Slug: args[0], Name: name, Type: typ, Code: code, CreatedAt: time.Now()}
			if err := app.Store.CreateTenant(cmd.Context(), t); err != nil {
				return fmt.Errorf("create tenant %q: %w", args[0], err)
			}
			return printTenants(cmd, []*store.Tenant{t})
		})}
	create.Flags().String("name", "", "display name")
	create.Flags().String("type", "", "company type")
	create.Flags().Int64("code", 0, "numeric code (default: next free)")
	list := &cobra.Command{Use: "list", Short: "list tenants", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			ts, err := app.Store.ListTenants(cmd.Context())
			if err != nil {
				return err
			}
			return printTenants(cmd, ts)
		})}
	cmd.AddCommand(create, list)
	return cmd
}

// printTenants prints tenants; with --json the records are printed as
// stored, since a tenant holds no secret.
func printTenants(cmd *cobra.Command, ts []*store.Tenant) error {
	var rows [][]string
	for _, t := range ts {
		rows = append(rows, []string{t.Slug, t.Name, t.Type, strconv.FormatInt(t.Code, 10), t.ID})
	}
	return print(cmd, ts, []string{"SLUG", "NAME", "TYPE", "CODE", "ID"}, rows)
}

// tenantOf resolves the --tenant flag (a slug; default demo).
func tenantOf(cmd *cobra.Command, app *server.App) (*store.Tenant, error) {
	slug, _ := cmd.Flags().GetString("tenant")
	t, err := app.Store.TenantBySlug(cmd.Context(), slug)
	if err != nil {
		return nil, fmt.Errorf("tenant %q: %w", slug, err)
	}
	return t, nil
}

// userCmd manages the users of one tenant: --tenant, by default demo, the
// tenant the first start creates.
func userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "manage users"}
	// Persistent, because a login is unique only within its tenant: every
	// user subcommand resolves names in one.
	cmd.PersistentFlags().String("tenant", "demo", "tenant slug")
	create := &cobra.Command{Use: "create LOGIN", Short: "create a user (password from --password or generated)", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			t, err := tenantOf(cmd, app)
			if err != nil {
				return err
			}
			f := cmd.Flags()
			pw, _ := f.GetString("password")
			imported, _ := f.GetString("password-hash")
			if imported != "" && pw != "" {
				return fmt.Errorf("--password and --password-hash go alone")
			}
			// A generated password is 20 base32 characters (100 bits),
			// shown once on stderr: stdout, which scripts capture, never
			// holds it.
			generated := pw == "" && imported == ""
			if generated {
				pw = strings.ReplaceAll(rand.Text(), "=", "")[:20]
			}
			u := &store.User{TenantID: t.ID, Login: args[0]}
			u.Email, _ = f.GetString("email")
			u.Name, _ = f.GetString("name")
			u.Roles, _ = f.GetStringSlice("roles")
			u.Code, _ = f.GetString("code")
			u.PermissionRole, _ = f.GetString("permission-role")
			u.External, _ = f.GetBool("external")
			// An imported hash is stored as it is: a legacy bcrypt hash is
			// verified at the first login and re-hashed with argon2id
			// (PRODUCT.md §1), so users move without a password reset.
			if imported != "" {
				if err := password.CheckImported(imported); err != nil {
					return err
				}
				u.PasswordHash = imported
			}
			if err := app.Svc.NewUser(cmd.Context(), u, pw); err != nil {
				return err
			}
			if generated {
				fmt.Fprintf(cmd.ErrOrStderr(), "generated password (shown once): %s\n", pw)
			}
			return printUsers(cmd, []*store.User{u})
		})}
	create.Flags().String("password", "", "password (default: generated and shown once)")
	create.Flags().String("password-hash", "", "import a legacy bcrypt ($2a$/$2b$/$2y$) or argon2id hash; re-hashed with argon2id at the next login")
	create.Flags().String("email", "", "e-mail address")
	create.Flags().String("name", "", "display name")
	// --code, --permission-role and --external fill the fields Consinco's
	// token response carries (userCode, permissionRole, isExt; seed 001).
	create.Flags().StringSlice("roles", nil, "roles")
	create.Flags().String("code", "", "user code")
	create.Flags().String("permission-role", "", "permission role")
	create.Flags().Bool("external", false, "external user")
	list := &cobra.Command{Use: "list", Short: "list users", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			t, err := tenantOf(cmd, app)
			if err != nil {
				return err
			}
			us, err := app.Store.ListUsers(cmd.Context(), t.ID)
			if err != nil {
				return err
			}
			return printUsers(cmd, us)
		})}
	cmd.AddCommand(create, list, disableCmd(), setPasswordCmd(), userImportCmd())
	return cmd
}

// userOf finds a user of the --tenant by login or e-mail.
func userOf(cmd *cobra.Command, app *server.App, login string) (*store.User, error) {
	t, err := tenantOf(cmd, app)
	if err != nil {
		return nil, err
	}
	u, err := app.Store.UserByLogin(cmd.Context(), t.ID, login)
	if err != nil {
		return nil, fmt.Errorf("user %q: %w", login, err)
	}
	return u, nil
}

// disableCmd disables a user. The core revokes every session of theirs at
// once (PRODUCT.md §2.5): refresh tokens already handed out stop working,
// not only new logins.
func disableCmd() *cobra.Command {
	return &cobra.Command{Use: "disable LOGIN", Short: "disable a user and revoke all their sessions", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			u, err := userOf(cmd, app, args[0])
			if err != nil {
				return err
			}
			// auth.Meta is empty: a command has no client IP or user agent
			// for the audit event.
			if err := app.Svc.DisableUser(cmd.Context(), u.ID, auth.Meta{}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "disabled %s\n", u.Login)
			return nil
		})}
}

// setPasswordCmd is the administrator's reset: no current password is
// asked, and every session of the user is revoked, as a password change
// must end the sessions a thief may hold (PRODUCT.md §2.5).
func setPasswordCmd() *cobra.Command {
	c := &cobra.Command{Use: "set-password LOGIN", Short: "set a user's password and revoke their sessions", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			u, err := userOf(cmd, app, args[0])
			if err != nil {
				return err
			}
			pw, _ := cmd.Flags().GetString("password")
			if err := app.Svc.SetPassword(cmd.Context(), u.ID, pw, "", auth.Meta{}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "password of %s changed; sessions revoked\n", u.Login)
			return nil
		})}
	c.Flags().String("password", "", "the new password")
	c.MarkFlagRequired("password")
	return c
}

// userView is the JSON shape of a user: never the password hash. Its
// snake_case names are an interface scripts depend on. Seq is the numeric
// id some dialects carry (Consinco's userSequence).
type userView struct {
	ID       string   `json:"id"`
	Login    string   `json:"login"`
	Email    string   `json:"email,omitempty"`
	Name     string   `json:"name,omitempty"`
	Seq      int64    `json:"seq"`
	Roles    []string `json:"roles,omitempty"`
	Disabled bool     `json:"disabled"`
}

// printUsers prints users as userViews.
func printUsers(cmd *cobra.Command, us []*store.User) error {
	views := []userView{}
	var rows [][]string
	for _, u := range us {
		views = append(views, userView{u.ID, u.Login, u.Email, u.Name, u.Seq, u.Roles, u.Disabled})
		rows = append(rows, []string{u.Login, u.Email, u.Name, strconv.FormatInt(u.Seq, 10), strings.Join(u.Roles, ","), strconv.FormatBool(u.Disabled), u.ID})
	}
	return print(cmd, views, []string{"LOGIN", "EMAIL", "NAME", "SEQ", "ROLES", "DISABLED", "ID"}, rows)
}
