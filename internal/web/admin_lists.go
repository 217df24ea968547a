package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/auth"
)

// Admins' pages of mailing lists: every list, and a form to create one
// or edit it (auth.ManageLists).

// adminListsPage is the data of /admin/lists.
type adminListsPage struct {
	page
	Lists []*fanarchive.List
	Done  string
}

// handleAdminLists lists the lists with links to edit them.
func (s *Server) handleAdminLists(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.ManageLists) {
		return
	}
	noStore(w)
	ls := s.store
	lists, err := ls.FindLists(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	done := map[string]string{"created": "The list is made.", "updated": "The list is saved."}[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "admin_lists", &adminListsPage{page: s.newPage("Mailing lists", "Admin"), Lists: lists, Done: done})
}

// listForm is what the list form holds, as typed.
type listForm struct {
	Name, Address, Title, Description, Rules, Fandoms string
	Policy, Announce, SubjectTag, Moderators          string
	MaxSizeKB, DigestHour                             string
	ArchiveWorks                                      bool
}

// adminListFormPage is the data of the list form.
type adminListFormPage struct {
	page
	New       bool
	Action    string
	Form      listForm
	Policies  []fanarchive.ListPolicy
	Announces []fanarchive.AnnounceMode
	Error     string
}

// listFormOf fills the form from a stored list.
func (s *Server) listFormOf(r *http.Request, l *fanarchive.List) (listForm, error) {
	f := listForm{Name: l.Name, Address: l.Address, Title: l.Title, Description: l.Description, Rules: l.Rules,
		Fandoms: strings.Join(l.Fandoms, ", "), Policy: string(l.Policy), Announce: string(l.Announce), SubjectTag: l.SubjectTag,
		MaxSizeKB: strconv.FormatInt(l.MaxSize>>10, 10), DigestHour: strconv.Itoa(l.DigestHour), ArchiveWorks: l.ArchiveWorks}
	var names []string
	for _, id := range l.Moderators {
		u, err := s.store.FindUserByID(r.Context(), id)
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			continue
		} else if err != nil {
			return f, err
		}
		names = append(names, u.Name)
	}
	f.Moderators = strings.Join(names, ", ")
	return f, nil
}

// postedListForm reads the form as posted.
func postedListForm(r *http.Request) listForm {
	p := r.PostForm
	return listForm{Name: strings.TrimSpace(p.Get("name")), Address: strings.TrimSpace(p.Get("address")), Title: p.Get("title"),
		Description: p.Get("description"), Rules: p.Get("rules"), Fandoms: p.Get("fandoms"), Policy: p.Get("policy"),
		Announce: p.Get("announce"), SubjectTag: p.Get("subject_tag"), Moderators: p.Get("moderators"),
		MaxSizeKB: strings.TrimSpace(p.Get("max_size_kb")), DigestHour: strings.TrimSpace(p.Get("digest_hour")),
		ArchiveWorks: p.Get("archive_works") == "1"}
}

// apply sets l's fields from the form (not its name). Returns EINVALID
// for numbers that are not.
func (f listForm) apply(l *fanarchive.List) error {
	l.Address, l.Title, l.Description, l.Rules = f.Address, strings.TrimSpace(f.Title), f.Description, f.Rules
	l.Fandoms = splitTags(f.Fandoms)
	l.Policy, l.Announce = fanarchive.ListPolicy(f.Policy), fanarchive.AnnounceMode(f.Announce)
	l.SubjectTag, l.ArchiveWorks = strings.TrimSpace(f.SubjectTag), f.ArchiveWorks
	l.MaxSize = 0
	if f.MaxSizeKB != "" {
		kb, err := strconv.ParseInt(f.MaxSizeKB, 10, 64)
		if err != nil || kb <= 0 || kb > fanarchive.MaxListMaxSize>>10 {
			return fanarchive.Errorf(fanarchive.EINVALID, "The size limit is a number of KB, 1 to %d.", fanarchive.MaxListMaxSize>>10)
		}
		l.MaxSize = kb << 10
	}
	l.DigestHour = 0
	if f.DigestHour != "" {
		h, err := strconv.Atoi(f.DigestHour)
		if err != nil {
			return fanarchive.Errorf(fanarchive.EINVALID, "The digest hour is 0 to 23.")
		}
		l.DigestHour = h
	}
	return nil
}

// moderatorIDs reads the form's moderators, user names separated by
// commas. Returns EINVALID naming one that is not a user.
func (s *Server) moderatorIDs(r *http.Request, f listForm) ([]int64, error) {
	var ids []int64
	for _, name := range splitTags(f.Moderators) {
		u, err := s.store.FindUserByName(r.Context(), name)
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "There is no user named %q to be a moderator.", name)
		} else if err != nil {
			return nil, err
		}
		if !slices.Contains(ids, u.ID) {
			ids = append(ids, u.ID)
		}
	}
	return ids, nil
}

func (s *Server) listFormPage(w http.ResponseWriter, r *http.Request, status int, isNew bool, f listForm, errMsg string) {
	noStore(w)
	data := &adminListFormPage{page: s.newPage("New list", "Admin"), New: isNew, Action: "/admin/lists", Form: f,
		Policies:  []fanarchive.ListPolicy{fanarchive.ListMembersOnly, fanarchive.ListModerated, fanarchive.ListOpen},
		Announces: []fanarchive.AnnounceMode{fanarchive.AnnounceNone, fanarchive.AnnounceSummary, fanarchive.AnnounceFull}, Error: errMsg}
	if !isNew {
		data.page = s.newPage("Edit "+f.Name, "Admin")
		data.Action = "/admin/lists/" + f.Name + "/edit"
	}
	s.render(w, r, status, "admin_list_form", data)
}

// handleNewListForm shows an empty list form.
func (s *Server) handleNewListForm(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.ManageLists) {
		return
	}
	s.listFormPage(w, r, http.StatusOK, true, listForm{Policy: string(fanarchive.ListMembersOnly), Announce: string(fanarchive.AnnounceNone),
		MaxSizeKB: strconv.Itoa(fanarchive.DefaultListMaxSize >> 10), DigestHour: "0", ArchiveWorks: true}, "")
}

// listFormFailed shows the form again with what went wrong.
func (s *Server) listFormFailed(w http.ResponseWriter, r *http.Request, isNew bool, f listForm, err error) {
	if statusFor(err) == http.StatusInternalServerError {
		s.serverError(w, r, err)
		return
	}
	s.listFormPage(w, r, statusFor(err), isNew, f, fanarchive.ErrorMessage(err))
}

// handleCreateList makes a list from the form.
func (s *Server) handleCreateList(w http.ResponseWriter, r *http.Request) {
	ls := s.store
	f := postedListForm(r)
	l := &fanarchive.List{Name: f.Name}
	err := f.apply(l)
	var mods []int64
	if err == nil {
		mods, err = s.moderatorIDs(r, f)
	}
	if err == nil {
		err = ls.CreateList(r.Context(), l)
	}
	for _, id := range mods {
		if err == nil {
			err = ls.SetListModerator(r.Context(), l.ID, id, true)
		}
	}
	if err != nil {
		s.listFormFailed(w, r, true, f, err)
		return
	}
	s.logger.Info("list created", "list", l.Name, "by", currentUser(r).ID)
	http.Redirect(w, r, "/admin/lists?done=created", http.StatusSeeOther)
}

// handleEditListForm shows a list's form.
func (s *Server) handleEditListForm(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.ManageLists) {
		return
	}
	l, _, ok := s.loadList(w, r)
	if !ok {
		return
	}
	f, err := s.listFormOf(r, l)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.listFormPage(w, r, http.StatusOK, false, f, "")
}

// handleUpdateList saves a list's form, and its moderators.
func (s *Server) handleUpdateList(w http.ResponseWriter, r *http.Request) {
	l, ls, ok := s.loadList(w, r)
	if !ok {
		return
	}
	f := postedListForm(r)
	f.Name = l.Name
	err := f.apply(l)
	var mods []int64
	if err == nil {
		mods, err = s.moderatorIDs(r, f)
	}
	if err == nil {
		err = ls.UpdateList(r.Context(), l)
	}
	for _, id := range mods {
		if err == nil && !slices.Contains(l.Moderators, id) {
			err = ls.SetListModerator(r.Context(), l.ID, id, true)
		}
	}
	for _, id := range l.Moderators {
		if err == nil && !slices.Contains(mods, id) {
			err = ls.SetListModerator(r.Context(), l.ID, id, false)
		}
	}
	if err != nil {
		s.listFormFailed(w, r, false, f, err)
		return
	}
	s.logger.Info("list updated", "list", l.Name, "by", currentUser(r).ID)
	http.Redirect(w, r, "/admin/lists?done=updated", http.StatusSeeOther)
}
