package cli

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/admin"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/password"
	"github.com/renova-auth/renova/internal/server"
)

// The admin commands are one client of the core's administration
// operations, as the admin API is the other: the rules (validation,
// tenant scoping, audit) live in auth, and --json prints the admin API's
// own shapes (internal/admin), field for field. The command line acts as
// auth.CLI, an actor that sees every tenant.

// tenantCmd manages tenants. A tenant's numeric code is what HDI's
// X-Company-Id and FormulaCerta's ClienteId carry; create lets the store
// allocate the next one unless --code is given.
func tenantCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "tenant", Short: "manage tenants (companies)"}
	create := &cobra.Command{Use: "create SLUG", Short: "create a tenant", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			t := &auth.Tenant{Slug: args[0]}
			t.Name, _ = cmd.Flags().GetString("name")
			t.Type, _ = cmd.Flags().GetString("type")
			t.Code, _ = cmd.Flags().GetInt64("code")
			if err := app.Svc.CreateTenant(cmd.Context(), auth.CLI, t); err != nil {
				return fmt.Errorf("create tenant %q: %w", args[0], err)
			}
			return printTenants(cmd, []*auth.Tenant{t})
		})}
	create.Flags().String("name", "", "display name (default: the slug)")
	create.Flags().String("type", "", "company type")
	create.Flags().Int64("code", 0, "numeric code (default: the next free one)")
	list := &cobra.Command{Use: "list", Short: "list tenants", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			ts, err := app.Svc.ListTenants(cmd.Context(), auth.CLI)
			if err != nil {
				return err
			}
			return printTenants(cmd, ts)
		})}
	get := &cobra.Command{Use: "get SLUG", Short: "show a tenant", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			t, err := app.Svc.GetTenant(cmd.Context(), auth.CLI, args[0])
			if err != nil {
				return fmt.Errorf("tenant %q: %w", args[0], err)
			}
			return printOne(cmd, admin.TenantOf(t), tenantHeader, tenantRow(t))
		})}
	update := &cobra.Command{Use: "update SLUG", Short: "change a tenant's name or type (the slug and code never change)", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			var p auth.TenantPatch
			p.Name = changed(cmd, "name")
			p.Type = changed(cmd, "type")
			t, err := app.Svc.UpdateTenant(cmd.Context(), auth.CLI, args[0], p)
			if err != nil {
				return fmt.Errorf("update tenant %q: %w", args[0], err)
			}
			return printTenants(cmd, []*auth.Tenant{t})
		})}
	update.Flags().String("name", "", "display name")
	update.Flags().String("type", "", "company type")
	cmd.AddCommand(create, list, get, update)
	return cmd
}

// changed returns the string flag name if it was given, else nil: an
// update changes only what the command line names.
func changed(cmd *cobra.Command, name string) *string {
	if !cmd.Flags().Changed(name) {
		return nil
	}
	v, _ := cmd.Flags().GetString(name)
	return &v
}

// changedList is changed for a list flag.
func changedList(cmd *cobra.Command, name string) *[]string {
	if !cmd.Flags().Changed(name) {
		return nil
	}
	v, _ := cmd.Flags().GetStringSlice(name)
	return &v
}

// tenantRow is a tenant's table row.
func tenantRow(t *auth.Tenant) []string {
	return []string{t.Slug, t.Name, t.Type, strconv.FormatInt(t.Code, 10), t.ID}
}

// printTenants prints tenants as the admin API shows them.
func printTenants(cmd *cobra.Command, ts []*auth.Tenant) error {
	var rows [][]string
	for _, t := range ts {
		rows = append(rows, tenantRow(t))
	}
	return print(cmd, admin.Each(ts, admin.TenantOf), tenantHeader, rows)
}

// printOne prints one record: its JSON shape with --json, else a table
// of one row.
func printOne(cmd *cobra.Command, v any, header, row []string) error {
	return print(cmd, v, header, [][]string{row})
}

// Table headers, one per kind of record.
var (
	tenantHeader = []string{"SLUG", "NAME", "TYPE", "CODE", "ID"}
	userHeader   = []string{"LOGIN", "EMAIL", "NAME", "SEQ", "ROLES", "DISABLED", "ID"}
)

// tenantOf resolves the --tenant flag (a slug; default demo).
func tenantOf(cmd *cobra.Command, app *server.App) (*auth.Tenant, error) {
	slug, _ := cmd.Flags().GetString("tenant")
	t, err := app.Svc.AdminTenant(cmd.Context(), auth.CLI, slug)
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
	list := &cobra.Command{Use: "list", Short: "list users", Args: cobra.NoArgs,
		RunE: withApp(func(cmd *cobra.Command, app *server.App, _ []string) error {
			t, err := tenantOf(cmd, app)
			if err != nil {
				return err
			}
			q := auth.UserQuery{Limit: 500}
			q.Query, _ = cmd.Flags().GetString("query")
			var all []*auth.User
			for {
				p, err := app.Svc.ListUsers(cmd.Context(), auth.CLI, t.ID, q)
				if err != nil {
					return err
				}
				all = append(all, p.Users...)
				if q.Cursor = p.Next; q.Cursor == "" {
					return printUsers(cmd, all)
				}
			}
		})}
	list.Flags().String("query", "", "only users whose login, e-mail or name contains this")
	get := &cobra.Command{Use: "get LOGIN", Short: "show a user (by login, e-mail or id)", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			u, err := userOf(cmd, app, args[0])
			if err != nil {
				return err
			}
			return printOne(cmd, admin.UserOf(u), userHeader, userRow(u))
		})}
	cmd.AddCommand(userCreateCmd(), list, get, userUpdateCmd(), userStateCmd("disable"), userStateCmd("enable"),
		userDeleteCmd(), setPasswordCmd(), userImportCmd())
	return cmd
}

// userCreateCmd creates a user. The password comes from --password-file
// or a prompt; without either it is generated: 20 base32 characters (100
// bits), shown once on stderr, so stdout, which scripts capture, never
// holds it. An imported legacy hash is stored as it is and re-hashed with
// argon2id at the first login (PRODUCT.md §1).
func userCreateCmd() *cobra.Command {
	c := &cobra.Command{Use: "create LOGIN", Short: "create a user (password from --password-file, a prompt, or generated)", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			t, err := tenantOf(cmd, app)
			if err != nil {
				return err
			}
			f := cmd.Flags()
			pw, err := readPassword(cmd, false)
			if err != nil {
				return err
			}
			imported, _ := f.GetString("password-hash")
			if imported != "" && pw != "" {
				return fmt.Errorf("a password and --password-hash go alone")
			}
			generated := pw == "" && imported == ""
			if generated {
				pw = strings.ReplaceAll(rand.Text(), "=", "")[:20]
			}
			u := &auth.User{Login: args[0]}
			u.Email, _ = f.GetString("email")
			u.Name, _ = f.GetString("name")
			u.Roles, _ = f.GetStringSlice("roles")
			u.Code, _ = f.GetString("code")
			u.PermissionRole, _ = f.GetString("permission-role")
			u.External, _ = f.GetBool("external")
			if imported != "" {
				if err := password.CheckImported(imported); err != nil {
					return err
				}
				u.PasswordHash = imported
			}
			if err := app.Svc.CreateUser(cmd.Context(), auth.CLI, t.ID, u, pw); err != nil {
				return err
			}
			if generated {
				fmt.Fprintf(cmd.ErrOrStderr(), "generated password (shown once): %s\n", pw)
			}
			return printUsers(cmd, []*auth.User{u})
		})}
	passwordFlags(c, true)
	f := c.Flags()
	f.String("password-hash", "", "import a hash from another system in a form renova stores (argon2id, bcrypt, Django pbkdf2_sha256, $pbkdf2-sha256$/$pbkdf2-sha512$, $firebase-scrypt$; docs/import.md); re-hashed with argon2id at the next login")
	f.String("email", "", "e-mail address")
	f.String("name", "", "display name")
	// --code, --permission-role and --external fill the fields Consinco's
	// token response carries (userCode, permissionRole, isExt; seed 001).
	f.StringSlice("roles", nil, "roles")
	f.String("code", "", "user code")
	f.String("permission-role", "", "permission role")
	f.Bool("external", false, "external user")
	return c
}

// userUpdateCmd changes the profile fields given; --attr replaces the
// attributes whole.
func userUpdateCmd() *cobra.Command {
	c := &cobra.Command{Use: "update LOGIN", Short: "change a user's profile, roles or attributes", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			u, err := userOf(cmd, app, args[0])
			if err != nil {
				return err
			}
			p := auth.UserPatch{Email: changed(cmd, "email"), Name: changed(cmd, "name"), Code: changed(cmd, "code"),
				PermissionRole: changed(cmd, "permission-role"), Roles: changedList(cmd, "roles")}
			if cmd.Flags().Changed("attr") {
				kv, _ := cmd.Flags().GetStringToString("attr")
				p.Attributes = &kv
			}
			u, err = app.Svc.UpdateUser(cmd.Context(), auth.CLI, u.TenantID, u.ID, p)
			if err != nil {
				return err
			}
			return printUsers(cmd, []*auth.User{u})
		})}
	f := c.Flags()
	f.String("email", "", "e-mail address")
	f.String("name", "", "display name")
	f.StringSlice("roles", nil, "roles (replaces them)")
	f.String("code", "", "user code")
	f.String("permission-role", "", "permission role")
	f.StringToString("attr", nil, "attributes key=value,... (replaces them)")
	return c
}

// userStateCmd disables or enables a user. Disabling revokes every
// session of theirs at once (PRODUCT.md §2.5): refresh tokens already
// handed out stop working, not only new logins.
func userStateCmd(verb string) *cobra.Command {
	short := map[string]string{"disable": "disable a user and revoke all their sessions", "enable": "enable a disabled user"}[verb]
	return &cobra.Command{Use: verb + " LOGIN", Short: short, Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			u, err := userOf(cmd, app, args[0])
			if err != nil {
				return err
			}
			if u, err = app.Svc.SetUserDisabled(cmd.Context(), auth.CLI, u.TenantID, u.ID, verb == "disable"); err != nil {
				return err
			}
			if jsonOut(cmd) {
				return print(cmd, admin.UserOf(u), nil, nil)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%sd %s\n", verb, u.Login)
			return nil
		})}
}

// userDeleteCmd revokes a user's sessions and removes the user.
func userDeleteCmd() *cobra.Command {
	return &cobra.Command{Use: "delete LOGIN", Short: "revoke a user's sessions and delete the user", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			u, err := userOf(cmd, app, args[0])
			if err != nil {
				return err
			}
			if err := app.Svc.DeleteUser(cmd.Context(), auth.CLI, u.TenantID, u.ID); err != nil {
				return err
			}
			return done(cmd, map[string]any{"deleted": u.ID}, "deleted "+u.Login)
		})}
}

// done prints the result of a command that returns no record: v with
// --json, else msg.
func done(cmd *cobra.Command, v any, msg string) error {
	if jsonOut(cmd) {
		return print(cmd, v, nil, nil)
	}
	fmt.Fprintln(cmd.OutOrStdout(), msg)
	return nil
}

// userOf finds a user of the --tenant by login, e-mail or id.
func userOf(cmd *cobra.Command, app *server.App, ref string) (*auth.User, error) {
	t, err := tenantOf(cmd, app)
	if err != nil {
		return nil, err
	}
	u, err := app.Svc.FindUser(cmd.Context(), auth.CLI, t.ID, ref)
	if err != nil {
		return nil, fmt.Errorf("user %q: %w", ref, err)
	}
	return u, nil
}

// setPasswordCmd is the administrator's reset: no current password is
// asked, and every session of the user is revoked, as a password change
// must end the sessions a thief may hold (PRODUCT.md §2.5). The password
// comes from --password-file or, on a terminal, a prompt.
func setPasswordCmd() *cobra.Command {
	c := &cobra.Command{Use: "set-password LOGIN", Short: "set a user's password (from --password-file or a prompt) and revoke their sessions", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			u, err := userOf(cmd, app, args[0])
			if err != nil {
				return err
			}
			pw, err := readPassword(cmd, true)
			if err != nil {
				return err
			}
			if pw == "" {
				return fmt.Errorf("give the password with --password-file FILE (- for standard input), or run on a terminal to be asked")
			}
			if err := app.Svc.SetUserPassword(cmd.Context(), auth.CLI, u.TenantID, u.ID, pw); err != nil {
				return err
			}
			return done(cmd, map[string]any{"password_set": u.ID}, "password of "+u.Login+" changed; sessions revoked")
		})}
	passwordFlags(c, false)
	return c
}

// userRow is a user's table row.
func userRow(u *auth.User) []string {
	return []string{u.Login, u.Email, u.Name, strconv.FormatInt(u.Seq, 10), strings.Join(u.Roles, ","), strconv.FormatBool(u.Disabled), u.ID}
}

// printUsers prints users as the admin API shows them: never the hash.
func printUsers(cmd *cobra.Command, us []*auth.User) error {
	var rows [][]string
	for _, u := range us {
		rows = append(rows, userRow(u))
	}
	return print(cmd, admin.Each(us, admin.UserOf), userHeader, rows)
}
