package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/auth"
)

// A list's moderators' pages: the held messages, and the members. Both
// show addresses, so both are for the list's moderators (List.Moderators),
// the moderator role and admins (auth.ModerateList), asked on every
// request, GET and POST alike, and never cached.

// listModerators names the owners of a list's moderation: its moderators.
func (s *Server) listModerators(r *http.Request) ([]int64, error) {
	ls := s.store
	if fanarchive.ValidateListName(r.PathValue("name")) != nil {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such list.")
	}
	l, err := ls.FindList(r.Context(), r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	return l.Moderators, nil
}

// heldPerPage is how many held messages the moderation page shows.
const heldPerPage = 50

// listModerationPage is the data of the moderation queue.
type listModerationPage struct {
	page
	List    listSummary
	Held    []heldMessage
	Total   int
	Pager   pager
	Running bool
	Done    string
	Error   string
}

// heldMessage is a held message as its moderators see it: its sender's
// address too.
type heldMessage struct {
	ID                           int64
	Subject, FromName, FromEmail string
	Reason, Size, Date           string
	FirstLines                   []string
}

// moderationDone are what ?done= may say on the moderation page.
var moderationDone = map[string]string{
	"approve": "The message is posted to the list.",
	"reject":  "The message is refused.",
	"ban":     "The message is refused and its sender banned from the list.",
}

// handleListModeration shows a list's held messages.
func (s *Server) handleListModeration(w http.ResponseWriter, r *http.Request) {
	l, ls, ok := s.loadList(w, r)
	if !ok || !s.allowPage(w, r, auth.ModerateList, l.Moderators...) {
		return
	}
	s.listModeration(w, r, l, ls, http.StatusOK, moderationDone[r.URL.Query().Get("done")], "")
}

func (s *Server) listModeration(w http.ResponseWriter, r *http.Request, l *fanarchive.List, ls fanarchive.ListService, status int, done, errMsg string) {
	noStore(w)
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	held, total, err := ls.FindListMessages(r.Context(), fanarchive.ListMessageFilter{ListID: l.ID, State: fanarchive.ListMessageHeld,
		Offset: (n - 1) * heldPerPage, Limit: heldPerPage})
	if err != nil {
		s.fail(w, r, err, "list")
		return
	}
	data := &listModerationPage{page: s.newPage("Moderation", l.Title), List: newListSummary(l), Total: total,
		Running: s.opts.Lists != nil, Done: done, Error: errMsg}
	data.Pager = listPager(r.URL, n, total, heldPerPage)
	for _, m := range held {
		h := heldMessage{ID: m.ID, Subject: messageSubject(m), FromName: strings.TrimSpace(m.FromName), FromEmail: m.FromAddress,
			Reason: m.HoldReason, Date: formatDate(m.Date)}
		if raw, err := ls.ListMessageRaw(r.Context(), m.ID); err == nil {
			h.Size = formatSize(int64(len(raw)))
		}
		h.FirstLines = firstLines(m.Text, 6)
		data.Held = append(data.Held, h)
	}
	s.render(w, r, status, "list_moderation", data)
}

// firstLines returns the first n non-empty lines of text.
func firstLines(text string, n int) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// listPager links page n of total things, per to a page.
func listPager(u *url.URL, n, total, per int) pager {
	pages := max((total+per-1)/per, 1)
	p := pager{Page: n, Pages: pages}
	if n > 1 {
		p.Prev = withPage(u, strconv.Itoa(n-1))
	}
	if n < pages {
		p.Next = withPage(u, strconv.Itoa(n+1))
	}
	return p
}

// handleModerateMessage approves, rejects or bans a held message.
func (s *Server) handleModerateMessage(w http.ResponseWriter, r *http.Request) {
	l, ls, ok := s.loadList(w, r)
	if !ok {
		return
	}
	if s.opts.Lists == nil {
		s.listsNotRunning(w, r, l)
		return
	}
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "message")
		return
	}
	m, err := ls.FindListMessage(r.Context(), id)
	if err == nil && m.ListID != l.ID {
		err = fanarchive.Errorf(fanarchive.ENOTFOUND, "No such message.") // another list's: its moderators' to decide
	}
	if err != nil {
		s.fail(w, r, err, "message")
		return
	}
	d := fanarchive.ModerationDecision(r.PostForm.Get("decision"))
	if d != fanarchive.ModerationApprove && d != fanarchive.ModerationReject && d != fanarchive.ModerationBan {
		s.listModeration(w, r, l, ls, http.StatusBadRequest, "", "Choose approve, reject or ban.")
		return
	}
	err = s.opts.Lists.Moderate(r.Context(), l, id, d, currentUser(r).ID)
	switch fanarchive.ErrorCode(err) {
	case "":
	case fanarchive.ECONFLICT:
		s.listModeration(w, r, l, ls, http.StatusConflict, "", "That message was decided on already.")
		return
	case fanarchive.EINVALID:
		s.listModeration(w, r, l, ls, http.StatusBadRequest, "", fanarchive.ErrorMessage(err))
		return
	default:
		s.fail(w, r, err, "message")
		return
	}
	s.logger.Info("list message moderated", "list", l.Name, "message", id, "decision", d, "by", currentUser(r).ID)
	http.Redirect(w, r, listURL(l.Name)+"/moderation?done="+string(d), http.StatusSeeOther)
}

// membersPerPage is how many members the members page shows.
const membersPerPage = 100

// listMembersPage is the data of the members page.
type listMembersPage struct {
	page
	List                listSummary
	Members             []*fanarchive.ListMember
	Total               int
	Pager               pager
	State, Mode, Search string
	States              []fanarchive.MemberState
	Modes               []fanarchive.DeliveryMode
	Back                string // this page with its filter, for the forms
	Done, Error         string
}

var memberStates = []fanarchive.MemberState{fanarchive.MemberPending, fanarchive.MemberActive, fanarchive.MemberDisabled,
	fanarchive.MemberUnsubscribed, fanarchive.MemberBanned}

var deliveryModes = []fanarchive.DeliveryMode{fanarchive.DeliverEach, fanarchive.DeliverDigest, fanarchive.DeliverNone}

// membersDone are what ?done= may say on the members page.
var membersDone = map[string]string{
	"reenable": "The member is active again.",
	"remove":   "The member is removed from the list.",
	"ban":      "The address is banned from the list.",
	"mode":     "The member's delivery is changed.",
}

// handleListMembers shows a list's members, filtered by state, mode and
// a part of the address or name.
func (s *Server) handleListMembers(w http.ResponseWriter, r *http.Request) {
	l, ls, ok := s.loadList(w, r)
	if !ok || !s.allowPage(w, r, auth.ModerateList, l.Moderators...) {
		return
	}
	s.listMembers(w, r, l, ls, http.StatusOK, membersDone[r.URL.Query().Get("done")], "")
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, l *fanarchive.List, ls fanarchive.ListService, status int, done, errMsg string) {
	noStore(w)
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	q := r.URL.Query()
	f := fanarchive.MemberFilter{State: fanarchive.MemberState(q.Get("state")), Mode: fanarchive.DeliveryMode(q.Get("mode")),
		Search: strings.TrimSpace(q.Get("q")), Offset: (n - 1) * membersPerPage, Limit: membersPerPage}
	members, total, err := ls.FindMembers(r.Context(), l.ID, f)
	if fanarchive.ErrorCode(err) == fanarchive.EINVALID {
		s.badRequest(w, r, fanarchive.ErrorMessage(err))
		return
	} else if err != nil {
		s.fail(w, r, err, "list")
		return
	}
	data := &listMembersPage{page: s.newPage("Members", l.Title), List: newListSummary(l), Members: members, Total: total,
		Pager: listPager(r.URL, n, total, membersPerPage), State: string(f.State), Mode: string(f.Mode), Search: f.Search,
		States: memberStates, Modes: deliveryModes, Back: membersBack(l.Name, q), Done: done, Error: errMsg}
	s.render(w, r, status, "list_members", data)
}

// membersBack is the members page with a filter (and no done=).
func membersBack(list string, q url.Values) string {
	keep := url.Values{}
	for _, k := range []string{"state", "mode", "q", "page"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	back := listURL(list) + "/members"
	if len(keep) > 0 {
		back += "?" + keep.Encode()
	}
	return back
}

// handleMemberAction re-enables, removes or bans a member, or changes
// their delivery.
func (s *Server) handleMemberAction(w http.ResponseWriter, r *http.Request) {
	l, ls, ok := s.loadList(w, r)
	if !ok {
		return
	}
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "member")
		return
	}
	m, err := ls.FindMemberByID(r.Context(), id)
	if err == nil && m.ListID != l.ID {
		err = fanarchive.Errorf(fanarchive.ENOTFOUND, "No such member.")
	}
	if err != nil {
		s.fail(w, r, err, "member")
		return
	}
	op := r.PostForm.Get("op")
	switch op {
	case "reenable":
		if m.State != fanarchive.MemberDisabled {
			err = fanarchive.Errorf(fanarchive.EINVALID, "Only a disabled member can be re-enabled; this one is %s.", m.State)
		} else {
			err = ls.SetMemberState(r.Context(), m.ID, fanarchive.MemberActive)
		}
	case "remove":
		err = ls.SetMemberState(r.Context(), m.ID, fanarchive.MemberUnsubscribed)
	case "ban":
		err = ls.BanAddress(r.Context(), l.ID, m.Address)
	case "mode":
		err = ls.SetMemberMode(r.Context(), m.ID, fanarchive.DeliveryMode(r.PostForm.Get("mode")))
	default:
		err = fanarchive.Errorf(fanarchive.EINVALID, "There is no such change of a member.")
	}
	if err != nil {
		if statusFor(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		s.listMembers(w, r, l, ls, statusFor(err), "", fanarchive.ErrorMessage(err))
		return
	}
	s.logger.Info("list member changed", "list", l.Name, "member", m.ID, "op", op, "by", currentUser(r).ID)
	back := r.PostForm.Get("back")
	if !strings.HasPrefix(back, listURL(l.Name)+"/members") || !isLocalPath(back) {
		back = listURL(l.Name) + "/members"
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"done="+op, http.StatusSeeOther)
}
