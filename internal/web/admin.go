package web

import (
	"net/http"
	"strconv"

	"fanarchive"
	"fanarchive/internal/auth"
)

// usersPerPage is how many accounts the admin page lists at a time.
const usersPerPage = 50

// adminUsersPage is the data of the admin's list of accounts.
type adminUsersPage struct {
	page
	Users []adminUser
	Total int
	Pager pager
	Error string
}

// adminUser is one account's row, with a toggle per role.
type adminUser struct {
	*fanarchive.User
	Roles []adminRole
	Self  bool
}

type adminRole struct {
	Role fanarchive.Role
	Has  bool
}

// handleAdminUsers lists the accounts, with forms to grant and revoke
// roles and to disable accounts. Admins only.
func (s *Server) handleAdminUsers(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.ViewUsers) {
		return
	}
	s.adminUsers(w, r, http.StatusOK, "")
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	noStore(w)
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	users, total, err := s.store.FindUsers(r.Context(), (n-1)*usersPerPage, usersPerPage)
	if err != nil {
		s.fail(w, r, err, "page")
		return
	}
	pages := max((total+usersPerPage-1)/usersPerPage, 1)
	data := &adminUsersPage{page: s.newPage("Users"), Total: total, Pager: pager{Page: n, Pages: pages}, Error: errMsg}
	if n > 1 {
		data.Pager.Prev = "/admin/users?page=" + strconv.Itoa(n-1)
	}
	if n < pages {
		data.Pager.Next = "/admin/users?page=" + strconv.Itoa(n+1)
	}
	me := currentUser(r)
	for _, u := range users {
		row := adminUser{User: u, Self: u.ID == me.ID}
		for _, role := range fanarchive.Roles {
			has := false
			for _, h := range u.Roles {
				has = has || h == role
			}
			row.Roles = append(row.Roles, adminRole{Role: role, Has: has})
		}
		data.Users = append(data.Users, row)
	}
	s.render(w, r, status, "admin_users", data)
}

// adminTarget reads the account in the path, refusing an admin's change to
// their own account that could lock everyone out.
func (s *Server) adminTarget(w http.ResponseWriter, r *http.Request) (*fanarchive.User, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "user")
		return nil, false
	}
	u, err := s.store.FindUserByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, "user")
		return nil, false
	}
	return u, true
}

// handleSetRole grants or revokes a role.
func (s *Server) handleSetRole(w http.ResponseWriter, r *http.Request) {
	u, ok := s.adminTarget(w, r)
	if !ok {
		return
	}
	role, grant := fanarchive.Role(r.PostForm.Get("role")), r.PostForm.Get("grant") == "1"
	if u.ID == currentUser(r).ID && role == fanarchive.RoleAdmin && !grant {
		s.adminUsers(w, r, http.StatusBadRequest, "You cannot take away your own admin role; another admin can, or `fanarchive user role`.")
		return
	}
	if err := s.store.SetRole(r.Context(), u.ID, role, grant); err != nil {
		if statusFor(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		s.adminUsers(w, r, statusFor(err), fanarchive.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

// handleDisableUser disables an account (its sessions end) or enables it.
func (s *Server) handleDisableUser(w http.ResponseWriter, r *http.Request) {
	u, ok := s.adminTarget(w, r)
	if !ok {
		return
	}
	disable := r.PostForm.Get("disabled") == "1"
	if u.ID == currentUser(r).ID && disable {
		s.adminUsers(w, r, http.StatusBadRequest, "You cannot disable your own account.")
		return
	}
	if err := s.store.SetUserDisabled(r.Context(), u.ID, disable); err != nil {
		s.fail(w, r, err, "user")
		return
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}
