package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/renova-auth/renova/internal/store"
)

// MinPasswordLen is the shortest password renova accepts.
const MinPasswordLen = 8

// CheckPasswordPolicy returns a client-safe error when pw is too weak.
func CheckPasswordPolicy(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return errorf(InvalidRequest, "password must be at least %d characters long", MinPasswordLen)
	}
	if len(pw) > 1024 {
		return errorf(InvalidRequest, "password is too long")
	}
	return nil
}

// NewUser hashes pw (when not empty) and stores u.
func (s *Service) NewUser(ctx context.Context, u *store.User, pw string) error {
	if pw != "" {
		if err := CheckPasswordPolicy(pw); err != nil {
			return err
		}
		h, err := s.hasher.Hash(ctx, pw)
		if err != nil {
			return err
		}
		u.PasswordHash = h
	}
	now := s.cfg.Now()
	if u.ID == "" {
		u.ID = NewID(s.cfg.Rand, "usr")
	}
	u.CreatedAt, u.UpdatedAt = now, now
	u.Login = strings.TrimSpace(u.Login)
	if err := s.st.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return errorf(InvalidRequest, "a user with login %q already exists", u.Login)
		}
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// ChangePassword checks the current password, stores the new one and
// revokes every other session of the user (PRODUCT.md §2.5); the session
// keep stays logged in.
func (s *Service) ChangePassword(ctx context.Context, userID, current, next, keep string, m Meta) error {
	u, err := s.st.GetUser(ctx, userID)
	if err != nil {
		return storeErr("load user", err)
	}
	if _, err := s.hasher.Verify(ctx, u.PasswordHash, current); err != nil || u.Disabled {
		return &Error{Code: InvalidGrant, Reason: ReasonCredentials, Description: "current password is wrong"}
	}
	if current == next {
		return errorf(InvalidRequest, "the new password must differ from the current one")
	}
	return s.SetPassword(ctx, u.ID, next, keep, m)
}

// SetPassword replaces a user's password (admin path, no current password)
// and revokes the user's sessions except keep.
func (s *Service) SetPassword(ctx context.Context, userID, pw, keep string, m Meta) error {
	if err := CheckPasswordPolicy(pw); err != nil {
		return err
	}
	h, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return err
	}
	if err := s.st.SetPassword(ctx, userID, h, s.cfg.Now()); err != nil {
		return storeErr("set password", err)
	}
	_, err = s.RevokeUser(ctx, userID, keep, "password_changed", m)
	return err
}

// DisableUser disables a user and revokes all of their sessions.
func (s *Service) DisableUser(ctx context.Context, userID string, m Meta) error {
	if err := s.st.SetDisabled(ctx, userID, true, s.cfg.Now()); err != nil {
		return storeErr("disable user", err)
	}
	_, err := s.RevokeUser(ctx, userID, "", "user_disabled", m)
	return err
}

// User reads a user by id.
func (s *Service) User(ctx context.Context, id string) (*store.User, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	u, err := s.st.GetUser(ctx, id)
	if err != nil {
		return nil, storeErr("load user", err)
	}
	return u, nil
}

// Tenant reads a tenant by id (cached: tenants do not change once made).
func (s *Service) Tenant(ctx context.Context, id string) (*store.Tenant, error) {
	t, err := s.tenant(ctx, id)
	if err != nil {
		return nil, storeErr("load tenant", err)
	}
	return t, nil
}

// TenantBySlug reads a tenant by slug; an unknown slug is store.ErrNotFound.
func (s *Service) TenantBySlug(ctx context.Context, slug string) (*store.Tenant, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	t, err := s.st.TenantBySlug(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, storeErr("load tenant", err)
	}
	return t, nil
}

// ExternalUser finds the external user with login in the tenant, creating
// a password-less one when there is none (HDI identifies end users by a
// partner-supplied id such as a broker's CPF). A local account of that name
// is refused like bad credentials: a partner may name its own users, never
// the tenant's administrators.
func (s *Service) ExternalUser(ctx context.Context, tenantID, login string) (*store.User, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	u, err := s.st.UserByLogin(ctx, tenantID, login)
	if err == nil {
		if !u.External {
			return nil, badCredentials
		}
		return u, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, storeErr("load user", err)
	}
	u = &store.User{TenantID: tenantID, Login: login, External: true, Attributes: map[string]string{"external_id": login}}
	err = s.NewUser(ctx, u, "")
	if ae := AsError(err); ae != nil && ae.Code == InvalidRequest {
		return s.st.UserByLogin(ctx, tenantID, login) // created concurrently
	}
	return u, err
}
