package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/comments"
)

// Comments on works and chapters (docs/comments.md). A work page shows a
// page of threads (CommentThreadsPerPage) read in one query, as a flat
// list with each comment's depth, so a thread of any depth renders without
// recursion; indentation stops at maxIndent. Each comment's own page
// (/works/{id}/comments/{cid}) holds the reply form and its writer's,
// owners' and moderators' tools, and is where notifications lead.

// commentPages are the templates of this file's and inbox.go's pages.
var commentPages = []string{"comment", "inbox", "unsubscribe"}

// maxIndent is how many levels a thread is indented at most; deeper
// replies say whom they answer instead.
const maxIndent = 6

// commentService returns the service that builds notification mail.
func (s *Server) commentService() *comments.Service {
	s.commentsOnce.Do(func() {
		s.comments = &comments.Service{Store: s.store, SiteName: s.opts.SiteName, BaseURL: s.linkBase(), From: *s.opts.MailFrom}
	})
	return s.comments
}

// CommentService is the service that takes replies to comment
// notifications (comments.Service.ReplyByMail), for the inbound SMTP
// server, and builds the fan-out's mail, for serve's loop.
func (s *Server) CommentService() *comments.Service { return s.commentService() }

// commentView is one comment as a listing or its page shows it.
type commentView struct {
	ID     int64
	Anchor string
	URL    string // its page
	Indent int
	// ReplyTo names the comment it answers when the indentation no
	// longer shows it.
	ReplyTo string
	Name    string
	UserURL string
	Guest   bool
	Body    template.HTML
	Preview string
	Deleted bool
	Held    bool
	When    string
	Edited  bool
	Chapter int
	// HTML is the comment as the page shows it (commentHTML).
	HTML template.HTML
}

// commentHTML writes a comment's article. It is written in Go rather than
// as a template because a page holds hundreds of comments, and html/template's
// escaping of each field was most of the cost of a work page with many
// comments (docs/benchmarks.md, "Comments"); every text is escaped here
// with template.HTMLEscapeString, and Body is stored sanitised.
func commentHTML(v *commentView) template.HTML {
	var b strings.Builder
	esc := template.HTMLEscapeString
	b.Grow(len(v.Body) + 400)
	b.WriteString(`<article class="comment indent-`)
	b.WriteString(strconv.Itoa(v.Indent))
	if v.Held {
		b.WriteString(` held`)
	}
	b.WriteString(`" id="`)
	b.WriteString(v.Anchor)
	b.WriteString("\">\n")
	if v.Deleted {
		b.WriteString(`<p class="comment-deleted">[deleted]</p>`)
	} else {
		b.WriteString(`<header class="comment-head">` + "\n" + `<span class="comment-by">`)
		if v.UserURL != "" {
			b.WriteString(`<a href="` + esc(v.UserURL) + `">` + esc(v.Name) + `</a>`)
		} else {
			b.WriteString(esc(v.Name) + ` <span class="guest">(guest)</span>`)
		}
		b.WriteString("</span>\n")
		if v.ReplyTo != "" {
			b.WriteString(`<span class="reply-to">in reply to ` + esc(v.ReplyTo) + "</span>\n")
		}
		if v.Chapter != 0 {
			b.WriteString(`<span class="comment-chapter">on chapter ` + strconv.Itoa(v.Chapter) + "</span>\n")
		}
		b.WriteString(`<time>` + esc(v.When) + `</time>`)
		if v.Edited {
			b.WriteString(` <span class="edited">(edited)</span>`)
		}
		if v.Held {
			b.WriteString(` <span class="held-note">waiting for approval</span>`)
		}
		b.WriteString("\n</header>\n" + `<div class="comment-body prose">`)
		b.WriteString(string(v.Body))
		b.WriteString(`</div>`)
	}
	label := "Reply"
	if v.Deleted {
		label = "Thread"
	}
	b.WriteString("\n" + `<p class="comment-links"><a href="` + esc(v.URL) + `">` + label + "</a></p>\n</article>")
	return template.HTML(b.String()) //nolint:gosec // every text escaped above; Body stored sanitised
}

// commentsView is the comments section of a work page.
type commentsView struct {
	WorkURL   string
	ChapterID int64
	Count     int
	Threads   int
	Comments  []commentView
	Pager     pager
	Guest     bool
	Form      commentForm
}

// commentForm is what the comment form shows again after an error.
type commentForm struct {
	Action   string
	ParentID int64
	Name     string
	Email    string
	Format   string
	Text     string
	Error    string
}

// newCommentViews turns a flat, ordered listing into views; names of
// comments are remembered for replies deeper than maxIndent.
func newCommentViews(workID int64, cs []*fanarchive.Comment) []commentView {
	names := make(map[int64]string, len(cs))
	out := make([]commentView, 0, len(cs))
	for _, c := range cs {
		v := commentView{ID: c.ID, Anchor: "comment-" + strconv.FormatInt(c.ID, 10),
			URL:    workURL(workID) + "/comments/" + strconv.FormatInt(c.ID, 10),
			Indent: min(c.Depth, maxIndent), Name: c.Name, Guest: c.UserID == 0, Preview: c.Preview,
			Deleted: c.State == fanarchive.CommentDeleted, Held: c.State == fanarchive.CommentHeld,
			When: formatDate(c.CreatedAt), Edited: !c.EditedAt.IsZero(), Chapter: c.ChapterNumber,
			Body: template.HTML(c.Body)} //nolint:gosec // stored sanitised (comments.Render, and the store's prose.Sanitize)
		if c.UserID != 0 {
			v.UserURL = userURL(c.Name)
		}
		if c.Depth > maxIndent {
			v.ReplyTo = names[c.ParentID]
			if v.ReplyTo == "" {
				v.ReplyTo = "[deleted]"
			}
		}
		v.HTML = commentHTML(&v)
		names[c.ID] = c.Name
		if v.Deleted {
			names[c.ID] = "[deleted]"
		}
		out = append(out, v)
	}
	return out
}

// seesHeld reports whether the reader may see held comments on work: its
// owners and moderators.
func seesHeld(r *http.Request, work *fanarchive.Work) bool {
	u := currentUser(r)
	return u != nil && (slices.Contains(work.Owners, u.ID) || auth.Can(u, auth.DeleteComment))
}

// commentsFor reads the page of comments the request asks for (?comments=N).
func (s *Server) commentsFor(r *http.Request, work *fanarchive.Work, chapterID int64) (*commentsView, error) {
	n, err := strconv.Atoi(r.URL.Query().Get("comments"))
	if err != nil || n < 1 {
		n = 1
	}
	per := fanarchive.CommentThreadsPerPage
	cs, threads, err := s.store.FindComments(r.Context(), fanarchive.CommentFilter{WorkID: work.ID, ChapterID: chapterID,
		Held: seesHeld(r, work), Offset: (n - 1) * per, Limit: per})
	if err != nil {
		return nil, err
	}
	v := &commentsView{WorkURL: workURL(work.ID), ChapterID: chapterID, Count: work.Comments, Threads: threads,
		Comments: newCommentViews(work.ID, cs), Guest: currentUser(r) == nil,
		Form: commentForm{Action: workURL(work.ID) + "/comments", Format: string(fanarchive.CommentText)}}
	pages := max(1, (threads+per-1)/per)
	v.Pager = pager{Page: n, Pages: pages}
	base := r.URL.Path + "?"
	if q := r.URL.Query(); q.Get("page") != "" {
		base += "page=" + url.QueryEscape(q.Get("page")) + "&"
	}
	if n > 1 {
		v.Pager.Prev = base + "comments=" + strconv.Itoa(n-1) + "#comments"
	}
	if n < pages {
		v.Pager.Next = base + "comments=" + strconv.Itoa(n+1) + "#comments"
	}
	return v, nil
}

// commentPage is a comment's own page.
type commentPage struct {
	page
	WorkURL, WorkTitle string
	Comment            commentView
	Parent             *commentView
	Input              string
	Format             string
	CanEdit, CanDelete bool
	CanApprove         bool
	CanReply           bool
	Guest              bool
	Form               commentForm
}

// loadComment reads the {cid} comment of the {id} work.
func (s *Server) loadComment(w http.ResponseWriter, r *http.Request) (*fanarchive.Work, *fanarchive.Comment, bool) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return nil, nil, false
	}
	id, ok := parseID(r.PathValue("cid"))
	if !ok {
		s.notFound(w, r, "comment")
		return nil, nil, false
	}
	c, err := s.store.FindComment(r.Context(), id)
	if err == nil && (c.WorkID != work.ID || (c.State == fanarchive.CommentHeld && !seesHeld(r, work))) {
		err = fanarchive.Errorf(fanarchive.ENOTFOUND, "No such comment.")
	}
	if err != nil {
		s.fail(w, r, err, "comment")
		return nil, nil, false
	}
	return work, c, true
}

// handleCommentPage shows a comment with its tools and the reply form.
func (s *Server) handleCommentPage(w http.ResponseWriter, r *http.Request) {
	work, c, ok := s.loadComment(w, r)
	if !ok {
		return
	}
	s.commentPage(w, r, work, c, http.StatusOK, commentForm{})
}

// commentPage renders a comment's page, with form's values and error.
func (s *Server) commentPage(w http.ResponseWriter, r *http.Request, work *fanarchive.Work, c *fanarchive.Comment, status int, form commentForm) {
	noStore(w)
	u := currentUser(r)
	views := newCommentViews(work.ID, []*fanarchive.Comment{c})
	views[0].Indent = 0
	views[0].HTML = commentHTML(&views[0])
	p := &commentPage{page: s.newPage("Comment on " + work.DisplayTitle()), WorkURL: workURL(work.ID), WorkTitle: work.DisplayTitle(),
		Comment: views[0], Input: c.Input, Format: string(c.Format), Guest: u == nil,
		CanEdit:    u != nil && c.UserID == u.ID && c.State != fanarchive.CommentDeleted,
		CanDelete:  c.State != fanarchive.CommentDeleted && auth.Can(u, auth.DeleteComment, work.Owners...),
		CanApprove: c.State == fanarchive.CommentHeld && auth.Can(u, auth.ApproveComment, work.Owners...),
		CanReply:   c.State == fanarchive.CommentPublished && c.Depth < fanarchive.MaxCommentDepth}
	if c.ParentID != 0 {
		if parent, err := s.store.FindComment(r.Context(), c.ParentID); err == nil {
			pv := newCommentViews(work.ID, []*fanarchive.Comment{parent})[0]
			pv.Indent = 0
			pv.HTML = commentHTML(&pv)
			p.Parent = &pv
		}
	}
	if form.Format == "" {
		form.Format = string(fanarchive.CommentText)
	}
	form.Action, form.ParentID = workURL(work.ID)+"/comments", c.ID
	p.Form = form
	s.render(w, r, status, "comment", p)
}

// handlePostComment posts a comment or a reply, by a user or a guest.
func (s *Server) handlePostComment(w http.ResponseWriter, r *http.Request) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	u, f := currentUser(r), r.PostForm
	lim := s.opts.Limits
	var hits []hit
	if u == nil {
		hits = append(hits, s.ipHit(r, "comment", orLimit(lim.CommentIP, DefaultRateLimits.CommentIP)),
			hit{"comment:work:" + strconv.FormatInt(work.ID, 10), orLimit(lim.CommentWork, DefaultRateLimits.CommentWork)})
	} else {
		hits = append(hits, hit{"comment:user:" + strconv.FormatInt(u.ID, 10), orLimit(lim.CommentUser, DefaultRateLimits.CommentUser)})
	}
	if s.limited(w, r, hits...) {
		return
	}
	parentID, _ := strconv.ParseInt(f.Get("parent"), 10, 64)
	chapterID, _ := strconv.ParseInt(f.Get("chapter"), 10, 64)
	form := commentForm{ParentID: parentID, Name: f.Get("name"), Email: f.Get("email"), Format: f.Get("format"), Text: f.Get("comment")}
	back := func(status int, msg string) {
		form.Error = msg
		if parentID != 0 {
			if parent, err := s.store.FindComment(r.Context(), parentID); err == nil && parent.WorkID == work.ID {
				s.commentPage(w, r, work, parent, status, form)
				return
			}
		}
		s.notice(w, r, status, "Your comment was not posted", []string{msg}, link{"Back to the work", workURL(work.ID) + "#comments"})
	}
	if f.Get("website") != "" {
		// The honeypot: robots are told it went, and nothing is kept.
		http.Redirect(w, r, workURL(work.ID)+"#comments", http.StatusSeeOther)
		return
	}
	var me int64
	if u != nil {
		me = u.ID
		if blocked, err := comments.Blocked(r.Context(), s.store, work.Owners, me); err != nil {
			s.serverError(w, r, err)
			return
		} else if blocked {
			s.forbidden(w, r, "You may not comment here.", "The author of this work does not take comments from you.")
			return
		}
	}
	format := fanarchive.CommentFormat(form.Format)
	body, err := comments.Render(format, form.Text)
	if err != nil {
		back(http.StatusBadRequest, fanarchive.ErrorMessage(err))
		return
	}
	c := &fanarchive.Comment{WorkID: work.ID, ChapterID: chapterID, ParentID: parentID, UserID: me,
		Name: strings.TrimSpace(form.Name), GuestEmail: form.Email, Format: format, Input: form.Text, Body: body}
	mailer, err := s.commentService().Mailer(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.store.PostComment(r.Context(), c, mailer); err != nil {
		if statusFor(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		back(statusFor(err), fanarchive.ErrorMessage(err))
		return
	}
	s.logger.Info("comment", "comment", c.ID, "work", work.ID, "state", c.State, "guest", me == 0)
	if c.State == fanarchive.CommentHeld {
		noStore(w)
		s.notice(w, r, http.StatusOK, "Your comment waits for the author",
			[]string{"The author of this work approves guests' comments before they are shown. Thank you!"},
			link{"Back to the work", workURL(work.ID)})
		return
	}
	http.Redirect(w, r, workURL(work.ID)+"/comments/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

// commentID reads the {id} of a /comments/{id}/… route.
func commentID(r *http.Request) (int64, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return 0, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such comment.")
	}
	return id, nil
}

// commentWriter names the writer of the comment in the path, for the
// edit route.
func (s *Server) commentWriter(r *http.Request) ([]int64, error) {
	id, err := commentID(r)
	if err != nil {
		return nil, err
	}
	_, writer, err := s.store.CommentOwners(r.Context(), id)
	return []int64{writer}, err
}

// commentWorkOwners names the owners of the work the comment in the path
// is on, for the delete and approve routes.
func (s *Server) commentWorkOwners(r *http.Request) ([]int64, error) {
	id, err := commentID(r)
	if err != nil {
		return nil, err
	}
	owners, _, err := s.store.CommentOwners(r.Context(), id)
	return owners, err
}

// handleEditComment changes a comment's text, by its writer.
func (s *Server) handleEditComment(w http.ResponseWriter, r *http.Request) {
	id, _ := commentID(r)
	c, err := s.store.FindComment(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, "comment")
		return
	}
	f := r.PostForm
	format := fanarchive.CommentFormat(f.Get("format"))
	body, err := comments.Render(format, f.Get("comment"))
	if err == nil {
		err = s.store.EditComment(r.Context(), &fanarchive.CommentEdit{ID: id, UserID: currentUser(r).ID, Format: format,
			Input: f.Get("comment"), Body: body})
	}
	if err != nil {
		s.fail(w, r, err, "comment")
		return
	}
	http.Redirect(w, r, workURL(c.WorkID)+"/comments/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// handleDeleteComment deletes a comment, by the work's owners or a
// moderator.
func (s *Server) handleDeleteComment(w http.ResponseWriter, r *http.Request) {
	id, _ := commentID(r)
	c, err := s.store.FindComment(r.Context(), id)
	if err == nil {
		err = s.store.DeleteComment(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err, "comment")
		return
	}
	s.logger.Info("comment deleted", "comment", id, "work", c.WorkID, "by", currentUser(r).ID)
	http.Redirect(w, r, workURL(c.WorkID)+"#comments", http.StatusSeeOther)
}

// handleApproveComment publishes a guest's held comment.
func (s *Server) handleApproveComment(w http.ResponseWriter, r *http.Request) {
	id, _ := commentID(r)
	c, err := s.store.FindComment(r.Context(), id)
	if err == nil {
		var mailer fanarchive.NotificationMailer
		if mailer, err = s.commentService().Mailer(r.Context()); err == nil {
			err = s.store.ApproveComment(r.Context(), id, mailer)
		}
	}
	if err != nil {
		s.fail(w, r, err, "comment")
		return
	}
	http.Redirect(w, r, workURL(c.WorkID)+"/comments/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
