package admin

import (
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
)

// userInput is the body of POST /tenants/{tenant}/users. Without a
// password the user cannot log in until one is set.
type userInput struct {
	Login          string            `json:"login"`
	Password       string            `json:"password"`
	Email          string            `json:"email"`
	Name           string            `json:"name"`
	Code           string            `json:"code"`
	PermissionRole string            `json:"permission_role"`
	Roles          []string          `json:"roles"`
	Attributes     map[string]string `json:"attributes"`
	External       bool              `json:"external"`
}

// userPatch is the body of PATCH /tenants/{tenant}/users/{user}: absent
// (or null) members stay as they are; a list or map given replaces the
// stored one whole.
type userPatch struct {
	Email          *string            `json:"email"`
	Name           *string            `json:"name"`
	Code           *string            `json:"code"`
	PermissionRole *string            `json:"permission_role"`
	Roles          *[]string          `json:"roles"`
	Attributes     *map[string]string `json:"attributes"`
}

// passwordInput is the body of PUT /tenants/{tenant}/users/{user}/password.
type passwordInput struct {
	Password string `json:"password"`
}

func (s *Surface) createUser(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	var in userInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	u := &auth.User{Login: in.Login, Email: in.Email, Name: in.Name, Code: in.Code, PermissionRole: in.PermissionRole,
		Roles: in.Roles, Attributes: in.Attributes, External: in.External}
	if err := s.svc.CreateUser(r.Context(), a, t.ID, u, in.Password); err != nil {
		return err
	}
	return reply(w, http.StatusCreated, UserOf(u))
}

func (s *Surface) listUsers(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	q, err := query(r, "q", "disabled", "cursor", "limit")
	if err != nil {
		return err
	}
	uq := auth.UserQuery{Query: q.Get("q"), Cursor: q.Get("cursor")}
	if uq.Disabled, err = queryBool(q, "disabled"); err != nil {
		return err
	}
	if uq.Limit, err = queryInt(q, "limit"); err != nil {
		return err
	}
	p, err := s.svc.ListUsers(r.Context(), a, t.ID, uq)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, listing[User]{Items: Each(p.Users, UserOf), Next: p.Next})
}

func (s *Surface) getUser(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	u, err := s.svc.GetUser(r.Context(), a, t.ID, r.PathValue("user"))
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, UserOf(u))
}

func (s *Surface) updateUser(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	var in userPatch
	if err := decode(r, &in, false); err != nil {
		return err
	}
	u, err := s.svc.UpdateUser(r.Context(), a, t.ID, r.PathValue("user"), auth.UserPatch{Email: in.Email, Name: in.Name,
		Code: in.Code, PermissionRole: in.PermissionRole, Roles: in.Roles, Attributes: in.Attributes})
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, UserOf(u))
}

func (s *Surface) deleteUser(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteUser(r.Context(), a, t.ID, r.PathValue("user")); err != nil {
		return err
	}
	return noContent(w)
}

func (s *Surface) disableUser(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	return s.setDisabled(w, r, a, true)
}

func (s *Surface) enableUser(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	return s.setDisabled(w, r, a, false)
}

// setDisabled disables (revoking every session) or enables a user.
func (s *Surface) setDisabled(w http.ResponseWriter, r *http.Request, a auth.Actor, disabled bool) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	if err := decode(r, &struct{}{}, true); err != nil {
		return err
	}
	u, err := s.svc.SetUserDisabled(r.Context(), a, t.ID, r.PathValue("user"), disabled)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, UserOf(u))
}

func (s *Surface) setPassword(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	var in passwordInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	if err := s.svc.SetUserPassword(r.Context(), a, t.ID, r.PathValue("user"), in.Password); err != nil {
		return err
	}
	return noContent(w)
}

// revoked is the answer of a revocation of many sessions.
type revoked struct {
	Revoked int `json:"revoked"`
}

func (s *Surface) revokeUserSessions(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.tenant(r, a)
	if err != nil {
		return err
	}
	n, err := s.svc.RevokeUserSessions(r.Context(), a, t.ID, r.PathValue("user"))
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, revoked{n})
}
