package auth

import (
	"context"
	"strings"

	"github.com/renova-auth/renova/internal/store"
)

// UserQuery selects a page of a tenant's users.
type UserQuery struct {
	// Query keeps users whose login, e-mail or name contains it, in any
	// case.
	Query string
	// Disabled, when set, keeps only disabled (true) or enabled users.
	Disabled *bool
	// Cursor is the previous page's Next; "" starts at the first user.
	Cursor string
	// Limit is the page size: 0 means 50, at most 500.
	Limit int
}

// UserPage is one page of users, by sequence number. Next is the cursor
// of the following page, "" on the last one.
type UserPage struct {
	Users []*User
	Next  string
}

// UserPatch is an update of a user's profile, roles and attributes; nil
// fields stay as they are. The login never changes (it is how the user
// and partners name the account); the password has its own operation.
type UserPatch struct {
	Email, Name, Code, PermissionRole *string
	Roles                             *[]string
	Attributes                        *map[string]string
}

// CreateUser creates a user in tenantID with password pw ("" for none,
// or for an imported hash already in u.PasswordHash).
func (s *Service) CreateUser(ctx context.Context, a Actor, tenantID string, u *User, pw string) error {
	err := s.createUser(ctx, a, tenantID, u, pw)
	return s.audited(ctx, a, store.AuditEvent{Action: "admin.user.created", TenantID: tenantID, UserID: u.ID}, err)
}

func (s *Service) createUser(ctx context.Context, a Actor, tenantID string, u *User, pw string) error {
	if !a.sees(tenantID) {
		return notFound("tenant")
	}
	u.Login = strings.TrimSpace(u.Login)
	switch {
	case u.Login == "":
		return invalid("login", "login must not be empty")
	case len(u.Login) > 254 || strings.ContainsAny(u.Login, "\x00\r\n\t"):
		return invalid("login", "login must be at most 254 bytes without control characters")
	case u.Email != "" && !strings.Contains(u.Email, "@"):
		return invalid("email", "email must be an e-mail address")
	}
	if err := s.CheckPasswordPolicy(pw, u.Login, u.Email); pw != "" && err != nil {
		return withField(err, "password")
	}
	u.ID, u.TenantID, u.Seq = "", tenantID, 0
	return s.NewUser(ctx, u, pw)
}

// withField names field on a core error that has none yet.
func withField(err error, field string) error {
	if ae := AsError(err); ae != nil && ae.Field == "" {
		c := *ae
		c.Field = field
		return &c
	}
	return err
}

// ListUsers lists one page of a tenant's users matching q.
func (s *Service) ListUsers(ctx context.Context, a Actor, tenantID string, q UserQuery) (*UserPage, error) {
	p, err := s.listUsers(ctx, a, tenantID, q)
	return p, s.audited(ctx, a, store.AuditEvent{Action: "admin.user.listed", TenantID: tenantID}, err)
}

func (s *Service) listUsers(ctx context.Context, a Actor, tenantID string, q UserQuery) (*UserPage, error) {
	if !a.sees(tenantID) {
		return nil, notFound("tenant")
	}
	n, err := pageSize(q.Limit)
	if err != nil {
		return nil, err
	}
	after, err := s.position("users", tenantID, q.Cursor)
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	us, err := s.st.FindUsers(ctx, store.UserFilter{TenantID: tenantID, Query: q.Query, Disabled: q.Disabled, AfterSeq: after, Limit: n + 1})
	if err != nil {
		return nil, storeErr("list users", err)
	}
	p := &UserPage{Users: us}
	if len(us) > n {
		p.Users = us[:n]
		p.Next = s.cursor("users", tenantID, us[n-1].Seq)
	}
	return p, nil
}

// adminUser reads a user of tenantID by id; a user of another tenant, or
// of a tenant a cannot see, is not_found.
func (s *Service) adminUser(ctx context.Context, a Actor, tenantID, id string) (*User, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	u, err := s.st.GetUser(ctx, id)
	if err != nil {
		return nil, lookupErr("user", err)
	}
	if u.TenantID != tenantID || !a.sees(tenantID) {
		return nil, notFound("user")
	}
	return u, nil
}

// GetUser reads one user of tenantID.
func (s *Service) GetUser(ctx context.Context, a Actor, tenantID, id string) (*User, error) {
	u, err := s.adminUser(ctx, a, tenantID, id)
	return u, s.audited(ctx, a, store.AuditEvent{Action: "admin.user.read", TenantID: tenantID, UserID: id}, err)
}

// FindUser reads a user of tenantID by id, or else by login or e-mail:
// the command line names users by login.
func (s *Service) FindUser(ctx context.Context, a Actor, tenantID, ref string) (*User, error) {
	if u, err := s.adminUser(ctx, a, tenantID, ref); err == nil || AsError(err) == nil || AsError(err).Code != NotFound {
		return u, err
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	u, err := s.st.UserByLogin(ctx, tenantID, ref)
	if err != nil || !a.sees(tenantID) {
		return nil, lookupErr("user", firstErr(err, store.ErrNotFound))
	}
	return u, nil
}

// firstErr returns err, or alt when err is nil.
func firstErr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}

// UpdateUser applies p to a user of tenantID.
func (s *Service) UpdateUser(ctx context.Context, a Actor, tenantID, id string, p UserPatch) (*User, error) {
	u, err := s.updateUser(ctx, a, tenantID, id, p)
	return u, s.audited(ctx, a, store.AuditEvent{Action: "admin.user.updated", TenantID: tenantID, UserID: id}, err)
}

func (s *Service) updateUser(ctx context.Context, a Actor, tenantID, id string, p UserPatch) (*User, error) {
	u, err := s.adminUser(ctx, a, tenantID, id)
	if err != nil {
		return nil, err
	}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&u.Email, p.Email)
	set(&u.Name, p.Name)
	set(&u.Code, p.Code)
	set(&u.PermissionRole, p.PermissionRole)
	if p.Roles != nil {
		u.Roles = *p.Roles
	}
	if p.Attributes != nil {
		u.Attributes = *p.Attributes
	}
	if u.Email != "" && !strings.Contains(u.Email, "@") {
		return nil, invalid("email", "email must be an e-mail address")
	}
	u.UpdatedAt = s.cfg.Now()
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.UpdateUser(ctx, u); err != nil {
		return nil, lookupErr("user", err)
	}
	return u, nil
}

// SetUserDisabled disables a user, revoking all their sessions, or
// enables them again (their sessions stay revoked).
func (s *Service) SetUserDisabled(ctx context.Context, a Actor, tenantID, id string, disabled bool) (*User, error) {
	u, err := s.setUserDisabled(ctx, a, tenantID, id, disabled)
	action := "admin.user.enabled"
	if disabled {
		action = "admin.user.disabled"
	}
	return u, s.audited(ctx, a, store.AuditEvent{Action: action, TenantID: tenantID, UserID: id}, err)
}

func (s *Service) setUserDisabled(ctx context.Context, a Actor, tenantID, id string, disabled bool) (*User, error) {
	if _, err := s.adminUser(ctx, a, tenantID, id); err != nil {
		return nil, err
	}
	var err error
	if disabled {
		err = s.DisableUser(ctx, id, a.Meta)
	} else {
		err = s.st.SetDisabled(ctx, id, false, s.cfg.Now())
	}
	if err != nil {
		return nil, lookupErr("user", err)
	}
	return s.adminUser(ctx, a, tenantID, id)
}

// SetUserPassword replaces a user's password (no current password asked)
// and revokes all their sessions: an administrator's reset must end what
// a thief of the old password holds.
func (s *Service) SetUserPassword(ctx context.Context, a Actor, tenantID, id, pw string) error {
	err := s.setUserPassword(ctx, a, tenantID, id, pw)
	return s.audited(ctx, a, store.AuditEvent{Action: "admin.user.password_set", TenantID: tenantID, UserID: id}, err)
}

func (s *Service) setUserPassword(ctx context.Context, a Actor, tenantID, id, pw string) error {
	u, err := s.adminUser(ctx, a, tenantID, id)
	if err != nil {
		return err
	}
	if err := s.CheckPasswordPolicy(pw, u.Login, u.Email); err != nil {
		return withField(err, "password")
	}
	return s.setPassword(ctx, u, pw, "", a.Meta)
}

// DeleteUser revokes every session and browser session of a user and
// removes the user, in one store transaction. The sessions stay,
// revoked, with the audit events that name the user.
func (s *Service) DeleteUser(ctx context.Context, a Actor, tenantID, id string) error {
	err := s.deleteUser(ctx, a, tenantID, id)
	return s.audited(ctx, a, store.AuditEvent{Action: "admin.user.deleted", TenantID: tenantID, UserID: id}, err)
}

func (s *Service) deleteUser(ctx context.Context, a Actor, tenantID, id string) error {
	if _, err := s.adminUser(ctx, a, tenantID, id); err != nil {
		return err
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	// One transaction revokes the sessions (the refresh path does not
	// load the user) and removes the user: all of it or nothing.
	if err := s.st.DeleteUser(ctx, id, s.cfg.Now()); err != nil {
		return lookupErr("user", err)
	}
	return nil
}
