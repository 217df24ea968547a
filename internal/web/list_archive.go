package web

import (
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/prose"
)

// A list's message archive: months, a month's threads, a thread, one
// message, and search. Posted messages only: held and rejected ones are
// the moderators' (list_moderation.go). Posters are shown by name; their
// addresses never.

// listMessagesPerPage is how many search results a page shows.
const listMessagesPerPage = 50

// maxThreadMessages bounds what one thread page shows.
const maxThreadMessages = 500

func threadURL(list string, id int64) string {
	return "/lists/" + list + "/threads/" + strconv.FormatInt(id, 10)
}

func messageURL(list string, id int64) string {
	return "/lists/" + list + "/messages/" + strconv.FormatInt(id, 10)
}

// posterName is a message's poster as pages show them: their display
// name, unless it looks like an address in any spelling.
func posterName(m *fanarchive.ListMessage) string {
	name := strings.TrimSpace(m.FromName)
	if name == "" || contactPatterns.MatchString(name) {
		return "(name not given)"
	}
	return name
}

// messageSubject is a message's subject as pages show it.
func messageSubject(m *fanarchive.ListMessage) string {
	if s := strings.TrimSpace(redactAddresses(m.Subject)); s != "" {
		return s
	}
	return "(no subject)"
}

// messageRow is a message in a listing.
type messageRow struct {
	Subject, URL, From, Date string
	Depth                    int // how deep in its thread's replies, for indenting
	Reply                    string
	Work                     string // the work it was filed as, when it was
}

func newMessageRow(list string, m *fanarchive.ListMessage) messageRow {
	row := messageRow{Subject: messageSubject(m), URL: messageURL(list, m.ID), From: posterName(m), Date: formatDate(m.Date)}
	if m.WorkID != 0 {
		row.Work = workURL(m.WorkID)
	}
	return row
}

// listArchivePage is the data of the archive's index, a month, and search.
type listArchivePage struct {
	page
	List    listSummary
	Months  []fanarchive.ListMonth
	Month   string // "2006-01" on a month's page
	Threads []monthThread
	// Query and Results are the search's.
	Query   string
	Total   int
	Results []messageRow
	Pager   pager
}

// monthThread is a thread as a month's page lists it.
type monthThread struct {
	messageRow
	Messages int // in this month
}

// handleListArchive shows the archive's months, or search results for ?q=.
func (s *Server) handleListArchive(w http.ResponseWriter, r *http.Request) {
	l, ls, ok := s.loadList(w, r)
	if !ok {
		return
	}
	data := &listArchivePage{page: s.newPage("Archive", l.Title), List: newListSummary(l)}
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" {
		s.listSearch(w, r, l, ls, data, q)
		return
	}
	months, err := ls.ListArchiveMonths(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err, "list")
		return
	}
	data.Months = months
	s.render(w, r, http.StatusOK, "list_archive", data)
}

func (s *Server) listSearch(w http.ResponseWriter, r *http.Request, l *fanarchive.List, ls fanarchive.ListService, data *listArchivePage, q string) {
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	if len(q) > 500 {
		s.badRequest(w, r, "That search is too long.")
		return
	}
	found, total, err := ls.FindListMessages(r.Context(), fanarchive.ListMessageFilter{ListID: l.ID, Query: q,
		Offset: (n - 1) * listMessagesPerPage, Limit: listMessagesPerPage, Newest: true})
	if fanarchive.ErrorCode(err) == fanarchive.EINVALID {
		s.badRequest(w, r, fanarchive.ErrorMessage(err))
		return
	} else if err != nil {
		s.fail(w, r, err, "list")
		return
	}
	pages := max((total+listMessagesPerPage-1)/listMessagesPerPage, 1)
	if n > pages {
		s.notFound(w, r, "page")
		return
	}
	data.page = s.newPage("Search: "+q, l.Title)
	data.Query, data.Total, data.Pager = q, total, pager{Page: n, Pages: pages}
	if n > 1 {
		data.Pager.Prev = withPage(r.URL, strconv.Itoa(n-1))
	}
	if n < pages {
		data.Pager.Next = withPage(r.URL, strconv.Itoa(n+1))
	}
	for _, m := range found {
		data.Results = append(data.Results, newMessageRow(l.Name, m))
	}
	s.render(w, r, http.StatusOK, "list_archive", data)
}

// monthPattern is a month in a path.
var monthPattern = regexp.MustCompile(`^[12][0-9]{3}-(0[1-9]|1[0-2])$`)

// handleListMonth shows a month's threads, each with how many of its
// messages are in the month.
func (s *Server) handleListMonth(w http.ResponseWriter, r *http.Request) {
	l, ls, ok := s.loadList(w, r)
	if !ok {
		return
	}
	month := r.PathValue("month")
	if !monthPattern.MatchString(month) {
		s.notFound(w, r, "month")
		return
	}
	data := &listArchivePage{page: s.newPage(month, l.Title), List: newListSummary(l), Month: month}
	byThread := map[int64]int{} // thread → index in data.Threads
	for offset := 0; offset < 20*maxThreadMessages; offset += maxThreadMessages {
		got, total, err := ls.FindListMessages(r.Context(), fanarchive.ListMessageFilter{ListID: l.ID, Month: month,
			Offset: offset, Limit: maxThreadMessages})
		if err != nil {
			s.fail(w, r, err, "list")
			return
		}
		for _, m := range got {
			if i, ok := byThread[m.ThreadID]; ok {
				data.Threads[i].Messages++
				continue
			}
			byThread[m.ThreadID] = len(data.Threads)
			row := newMessageRow(l.Name, m)
			row.URL = threadURL(l.Name, m.ThreadID)
			data.Threads = append(data.Threads, monthThread{messageRow: row, Messages: 1})
		}
		if offset+len(got) >= total || len(got) == 0 {
			break
		}
	}
	if len(data.Threads) == 0 {
		s.notFound(w, r, "month")
		return
	}
	s.render(w, r, http.StatusOK, "list_archive", data)
}

// threadMessages reads a thread's posted messages in order, or reports
// ENOTFOUND when there is no such thread of the list.
func threadMessages(r *http.Request, ls fanarchive.ListService, l *fanarchive.List, id int64) ([]*fanarchive.ListMessage, error) {
	got, _, err := ls.FindListMessages(r.Context(), fanarchive.ListMessageFilter{ListID: l.ID, ThreadID: id, Limit: maxThreadMessages})
	if err != nil {
		return nil, err
	}
	if len(got) == 0 {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such thread.")
	}
	return got, nil
}

// listThreadPage is the data of a thread's page.
type listThreadPage struct {
	page
	List     listSummary
	Subject  string
	Messages []threadMessage
}

// threadMessage is one message of a thread's page, with its text.
type threadMessage struct {
	messageRow
	ID   int64
	Text []string
	HTML template.HTML
}

// maxReplyDepth is the deepest a thread's page indents.
const maxReplyDepth = 8

// handleListThread shows a thread's messages in order, each indented by
// how deep a reply it is.
func (s *Server) handleListThread(w http.ResponseWriter, r *http.Request) {
	l, ls, ok := s.loadList(w, r)
	if !ok {
		return
	}
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "thread")
		return
	}
	msgs, err := threadMessages(r, ls, l, id)
	if err != nil {
		s.fail(w, r, err, "thread")
		return
	}
	depth := map[string]int{} // Message-ID → depth
	data := &listThreadPage{page: s.newPage(messageSubject(msgs[0]), l.Title), List: newListSummary(l), Subject: messageSubject(msgs[0])}
	for _, m := range msgs {
		d := 0
		if parent, ok := depth[m.InReplyTo]; ok && m.InReplyTo != "" {
			d = min(parent+1, maxReplyDepth)
		}
		if m.MessageID != "" {
			if _, seen := depth[m.MessageID]; !seen {
				depth[m.MessageID] = d
			}
		}
		tm := threadMessage{messageRow: newMessageRow(l.Name, m), ID: m.ID}
		tm.Depth = d
		tm.Text, tm.HTML = messageBody(m)
		data.Messages = append(data.Messages, tm)
	}
	s.render(w, r, http.StatusOK, "list_thread", data)
}

// messageBody is a message's text as pages show it: plain text in
// paragraphs whose lines are kept (the stylesheet wraps them), or its
// sanitised HTML when it had only HTML. Addresses are masked again.
func messageBody(m *fanarchive.ListMessage) ([]string, template.HTML) {
	if strings.TrimSpace(m.Text) == "" && m.HTML != "" {
		h := m.HTML
		if !prose.IsSanitized(h) {
			h = prose.Sanitize(h)
		}
		return nil, template.HTML(redactAddresses(h)) //nolint:gosec // sanitised
	}
	text := strings.ReplaceAll(m.Text, "\r\n", "\n")
	var paras []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.Trim(p, "\n"); strings.TrimSpace(p) != "" {
			paras = append(paras, redactAddresses(p))
		}
	}
	return paras, ""
}

// listMessagePage is the data of one message's page.
type listMessagePage struct {
	page
	List       listSummary
	Message    threadMessage
	Thread     string
	Prev, Next string // in the thread
	// InReplyTo is the message this one answers, when it is in the
	// archive.
	InReplyTo *messageRow
	WorkTitle string
}

// handleListMessage shows one posted message.
func (s *Server) handleListMessage(w http.ResponseWriter, r *http.Request) {
	l, ls, ok := s.loadList(w, r)
	if !ok {
		return
	}
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "message")
		return
	}
	m, err := ls.FindListMessage(r.Context(), id)
	if err == nil && (m.ListID != l.ID || m.State != fanarchive.ListMessagePosted) {
		err = fanarchive.Errorf(fanarchive.ENOTFOUND, "No such message.") // held and rejected ones are not shown
	}
	if err != nil {
		s.fail(w, r, err, "message")
		return
	}
	data := &listMessagePage{page: s.newPage(messageSubject(m), l.Title), List: newListSummary(l),
		Message: threadMessage{messageRow: newMessageRow(l.Name, m), ID: m.ID}, Thread: threadURL(l.Name, m.ThreadID)}
	data.Message.Text, data.Message.HTML = messageBody(m)
	msgs, err := threadMessages(r, ls, l, m.ThreadID)
	if err != nil && fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		s.fail(w, r, err, "message")
		return
	}
	for i, t := range msgs {
		if t.ID == m.ID {
			if i > 0 {
				data.Prev = messageURL(l.Name, msgs[i-1].ID)
			}
			if i+1 < len(msgs) {
				data.Next = messageURL(l.Name, msgs[i+1].ID)
			}
		}
		if m.InReplyTo != "" && t.MessageID == m.InReplyTo && t.ID != m.ID {
			row := newMessageRow(l.Name, t)
			data.InReplyTo = &row
		}
	}
	if m.WorkID != 0 {
		work, err := s.store.FindWorkOutline(r.Context(), m.WorkID)
		switch {
		case err == nil && !work.Draft:
			data.WorkTitle = work.DisplayTitle()
		case err == nil || fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND:
			data.Message.Work = "" // a draft or deleted work is not linked
		default:
			s.fail(w, r, err, "message")
			return
		}
	}
	s.render(w, r, http.StatusOK, "list_message", data)
}
