package web

import (
	"html/template"
	"net/http"
	"strings"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/prose"
)

// Mailing lists' public pages (docs/lists.md): every list, a list's about
// page with its subscribe form, and the mailed links that confirm a
// subscription or end one. Anything that mails or signs goes to
// Options.Lists (the list engine); reads go to the store's ListService.
// A member's or poster's address is never in a public page: only the
// list's own addresses are.

// listPages are the templates of the list pages (this file and the other
// list_*.go files).
var listPages = []string{"lists", "list_about", "list_button", "list_archive", "list_thread", "list_message",
	"list_moderation", "list_members", "admin_lists", "admin_list_form", "account_lists"}

// listURL is the path of a list's about page.
func listURL(name string) string { return "/lists/" + name }

// loadList reads the list named in the path, answering 404 when there is
// none.
func (s *Server) loadList(w http.ResponseWriter, r *http.Request) (*fanarchive.List, fanarchive.ListService, bool) {
	ls := s.store
	name := r.PathValue("name")
	if fanarchive.ValidateListName(name) != nil {
		s.notFound(w, r, "list")
		return nil, nil, false
	}
	l, err := ls.FindList(r.Context(), name)
	if err != nil {
		s.fail(w, r, err, "list")
		return nil, nil, false
	}
	return l, ls, true
}

// listsNotRunning answers a request that needs the list engine when the
// site runs without one.
func (s *Server) listsNotRunning(w http.ResponseWriter, r *http.Request, l *fanarchive.List) {
	noStore(w)
	paras := []string{"The mailing lists are not running on this site just now, so this cannot be done from here. Please try again later."}
	links := []link{{"All lists", "/lists"}}
	if l != nil {
		paras = append(paras, "You can still subscribe by mail: send a message to "+l.CommandAddress("-subscribe")+".")
		links = append(links, link{l.Title, listURL(l.Name)})
	}
	s.notice(w, r, http.StatusServiceUnavailable, "The lists are not running", paras, links...)
}

// listSummary is a list as the index and about pages show it.
type listSummary struct {
	Name, Title, URL string
	Address          string // the posting address: public
	Description      []string
	Fandoms          []fanarchive.Tag
	Members          int
	Policy           string // in words
}

func newListSummary(l *fanarchive.List) listSummary {
	sum := listSummary{Name: l.Name, Title: l.Title, URL: listURL(l.Name), Address: l.Address,
		Description: paragraphs(l.Description), Members: l.Members, Policy: policyText(l.Policy)}
	for _, f := range l.Fandoms {
		sum.Fandoms = append(sum.Fandoms, fanarchive.Tag{Kind: fanarchive.TagFandom, Name: f})
	}
	return sum
}

// policyText says a posting policy in words.
func policyText(p fanarchive.ListPolicy) string {
	switch p {
	case fanarchive.ListModerated:
		return "Every post is read by a moderator before it goes to the list."
	case fanarchive.ListOpen:
		return "Anyone may post."
	default:
		return "Members may post; posts from anyone else wait for a moderator."
	}
}

// listsPage is the data of /lists.
type listsPage struct {
	page
	Lists []listSummary
}

// handleLists lists every list.
func (s *Server) handleLists(w http.ResponseWriter, r *http.Request) {
	lists, err := s.store.FindLists(r.Context())
	if err != nil {
		s.fail(w, r, err, "page")
		return
	}
	data := &listsPage{page: s.newPage("Mailing lists")}
	for _, l := range lists {
		data.Lists = append(data.Lists, newListSummary(l))
	}
	s.render(w, r, http.StatusOK, "lists", data)
}

// listAboutPage is the data of a list's about page.
type listAboutPage struct {
	page
	List    listSummary
	Rules   template.HTML // sanitised (prose.FromMarkdown)
	Request string        // NAME-request@
	Join    string        // NAME-subscribe@
	MaxSize string
	// Running says the engine is there, so the subscribe form works.
	Running bool
	// The subscribe form: what was typed, and what went wrong.
	Email, Mode, Error string
	Threads            []threadLink
	Works              []blurb
	// Moderate says the viewer moderates the list: links to its queue
	// and members.
	Moderate bool
}

// threadLink is a link to a thread of the archive.
type threadLink struct {
	Subject, URL, Date, From string
}

// listRules renders a list's rules: Markdown (plain paragraphs read as
// Markdown are paragraphs), made into sanitised HTML as chapter bodies are.
func listRules(text string) template.HTML {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	body, err := prose.FromMarkdown(text)
	if err != nil {
		var b strings.Builder
		for _, p := range paragraphs(text) {
			b.WriteString("<p>" + template.HTMLEscapeString(p) + "</p>\n")
		}
		return template.HTML(b.String()) //nolint:gosec // escaped above
	}
	return template.HTML(body) //nolint:gosec // sanitised by prose
}

// handleListAbout shows a list: what it is, its rules, how to post and
// subscribe, a subscribe form, and its latest threads and works.
func (s *Server) handleListAbout(w http.ResponseWriter, r *http.Request) {
	l, ls, ok := s.loadList(w, r)
	if !ok {
		return
	}
	s.listAbout(w, r, l, ls, http.StatusOK, "")
}

func (s *Server) listAbout(w http.ResponseWriter, r *http.Request, l *fanarchive.List, ls fanarchive.ListService, status int, errMsg string) {
	data := &listAboutPage{page: s.newPage(l.Title, "Mailing lists"), List: newListSummary(l), Rules: listRules(l.Rules),
		Request: l.CommandAddress("-request"), Join: l.CommandAddress("-subscribe"), MaxSize: formatSize(l.MaxSize),
		Running: s.opts.Lists != nil, Mode: string(fanarchive.DeliverEach), Error: errMsg,
		Moderate: auth.Can(currentUser(r), auth.ModerateList, l.Moderators...)}
	if u := currentUser(r); u != nil {
		data.Email = u.Email
	}
	if r.Method == http.MethodPost {
		data.Email, data.Mode = r.PostForm.Get("email"), r.PostForm.Get("mode")
	}
	recent, _, err := ls.FindListMessages(r.Context(), fanarchive.ListMessageFilter{ListID: l.ID, Newest: true, Limit: 200})
	if err != nil {
		s.fail(w, r, err, "list")
		return
	}
	seenThread, seenWork := map[int64]bool{}, map[int64]bool{}
	for _, m := range recent {
		if len(data.Threads) < 10 && !seenThread[m.ThreadID] {
			seenThread[m.ThreadID] = true
			data.Threads = append(data.Threads, threadLink{Subject: messageSubject(m), URL: threadURL(l.Name, m.ThreadID),
				Date: formatDate(m.Date), From: posterName(m)})
		}
		if m.WorkID != 0 && len(data.Works) < 10 && !seenWork[m.WorkID] {
			seenWork[m.WorkID] = true
			work, err := s.store.FindWorkOutline(r.Context(), m.WorkID)
			if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
				continue // deleted since
			} else if err != nil {
				s.fail(w, r, err, "list")
				return
			}
			if work.Draft || (work.Restricted && currentUser(r) == nil) {
				continue
			}
			data.Works = append(data.Works, newBlurb(work))
		}
	}
	if status != http.StatusOK || currentUser(r) != nil {
		noStore(w)
	}
	s.render(w, r, status, "list_about", data)
}

// handleListSubscribe asks the engine to mail a confirmation. The answer
// is the same "check your mail" page whether the address is a member, a
// stranger or banned, whether the honeypot was filled or the address was
// asked for too often: the page tells nobody who belongs to a list.
func (s *Server) handleListSubscribe(w http.ResponseWriter, r *http.Request) {
	l, ls, ok := s.loadList(w, r)
	if !ok {
		return
	}
	if s.opts.Lists == nil {
		s.listsNotRunning(w, r, l)
		return
	}
	f, lim := r.PostForm, s.opts.Limits
	if s.limited(w, r, s.ipHit(r, "list-subscribe", orLimit(lim.ListSubscribeIP, DefaultRateLimits.ListSubscribeIP))) {
		return
	}
	if f.Get("website") != "" {
		s.listCheckMail(w, r, l) // the honeypot: robots are told it went
		return
	}
	addr, err := fanarchive.ValidateEmail(strings.TrimSpace(f.Get("email")))
	if err != nil {
		s.listAbout(w, r, l, ls, http.StatusBadRequest, fanarchive.ErrorMessage(err))
		return
	}
	mode := fanarchive.DeliveryMode(f.Get("mode"))
	if mode == "" {
		mode = fanarchive.DeliverEach
	}
	if !mode.Valid() {
		s.listAbout(w, r, l, ls, http.StatusBadRequest, "Choose how you want the list's posts: each post, a daily digest, or none.")
		return
	}
	// A flood for one address is answered as the first request was, and
	// mails nothing more: the engine keeps its own count too.
	perAddress := accountHit("list-subscribe:"+l.Name, fanarchive.EmailKey(addr),
		orLimit(lim.ListSubscribeAddress, DefaultRateLimits.ListSubscribeAddress))
	allowed, _, err := s.store.HitRateLimit(r.Context(), perAddress.key, perAddress.limit.N, perAddress.limit.Per)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !allowed {
		s.listCheckMail(w, r, l)
		return
	}
	var name string
	var userID int64
	if u := currentUser(r); u != nil && u.EmailConfirmed && fanarchive.EmailKey(u.Email) == fanarchive.EmailKey(addr) {
		// Only the account's own address is linked to it: subscribing
		// someone else's address gives no say over their membership.
		name, userID = u.Name, u.ID
	}
	err = s.opts.Lists.Subscribe(r.Context(), l, addr, name, userID, mode, s.clientIP(r))
	switch fanarchive.ErrorCode(err) {
	case "", fanarchive.ECONFLICT:
		// ECONFLICT (an active or banned member) must look like success.
	case fanarchive.EINVALID:
		s.listAbout(w, r, l, ls, http.StatusBadRequest, fanarchive.ErrorMessage(err))
		return
	default:
		s.fail(w, r, err, "list")
		return
	}
	s.logger.Info("list subscribe asked", "list", l.Name, "user", userID)
	s.listCheckMail(w, r, l)
}

// listCheckMail is the answer to every subscription request.
func (s *Server) listCheckMail(w http.ResponseWriter, r *http.Request, l *fanarchive.List) {
	noStore(w)
	s.notice(w, r, http.StatusOK, "Check your mail",
		[]string{"If that address can join " + l.Title + ", a message asking you to confirm is on its way to it. " +
			"Nothing changes until the link in it is followed; the link works for a week.",
			"If the address is a member already, it stays as it is. If no message comes, check your spam folder, or subscribe by mail: send a message to " +
				l.CommandAddress("-subscribe") + "."},
		link{"Back to " + l.Title, listURL(l.Name)})
}

// listButtonPage is a page with one button, for a mailed link: GET never
// changes anything (mail scanners fetch links), the button's POST does.
type listButtonPage struct {
	page
	Heading, Text, Action, Button string
	Token                         string // the t field, for unsubscribe links
}

// listLinkInvalid answers an unknown, used, expired or forged link.
func (s *Server) listLinkInvalid(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	s.notice(w, r, http.StatusNotFound, "This link is not valid or has expired",
		[]string{"Use the link exactly as it is in the mail. A confirmation link works once, for a week; subscribe again to get a new one."},
		link{"All lists", "/lists"})
}

// listConfirmPath is the path of a subscription's confirmation link.
func listConfirmPath(name, secret string) string { return "/lists/" + name + "/confirm/" + secret }

// handleListConfirmForm shows the confirm button. It does not look the
// secret up: that would use nothing, but a button for a bad link is
// harmless and says so when pressed.
func (s *Server) handleListConfirmForm(w http.ResponseWriter, r *http.Request) {
	l, _, ok := s.loadList(w, r)
	if !ok {
		return
	}
	if !wellFormedSecret(r.PathValue("secret")) {
		s.listLinkInvalid(w, r)
		return
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "list_button", &listButtonPage{page: s.newPage("Confirm", l.Title),
		Heading: "Join " + l.Title, Text: "Press the button to confirm that you want to join the list.",
		Action: listConfirmPath(l.Name, r.PathValue("secret")), Button: "Confirm my subscription"})
}

// wellFormedSecret reports whether a mailed secret could be one: short,
// URL-safe.
func wellFormedSecret(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '=') {
			return false
		}
	}
	return true
}

// handleListConfirm answers the confirm button.
func (s *Server) handleListConfirm(w http.ResponseWriter, r *http.Request) {
	l, _, ok := s.loadList(w, r)
	if !ok {
		return
	}
	if s.opts.Lists == nil {
		s.listsNotRunning(w, r, l)
		return
	}
	if !wellFormedSecret(r.PathValue("secret")) {
		s.listLinkInvalid(w, r)
		return
	}
	got, m, err := s.opts.Lists.Confirm(r.Context(), r.PathValue("secret"))
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		s.listLinkInvalid(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.logger.Info("list subscription confirmed", "list", got.Name, "member", m.ID)
	noStore(w)
	s.notice(w, r, http.StatusOK, "Welcome to "+got.Title,
		[]string{"You are a member now. " + modeText(m.Mode),
			"To post, write to " + got.Address + ". Every mail from the list has a link to leave it."},
		link{got.Title, listURL(got.Name)}, link{"The list's archive", listURL(got.Name) + "/archive"})
}

// modeText says a delivery mode in words.
func modeText(m fanarchive.DeliveryMode) string {
	switch m {
	case fanarchive.DeliverDigest:
		return "You will get one digest of the day's posts a day."
	case fanarchive.DeliverNone:
		return "You will get no mail; read the list in its archive here."
	default:
		return "You will get each post as it is sent."
	}
}

// oneClickBody is the form RFC 8058 one-click unsubscription posts.
const oneClickBody = "One-Click"

// unsubscribeToken reads the t field of an unsubscribe request: the query
// (the link as mailed) or the form.
func unsubscribeToken(r *http.Request) string {
	if t := r.PostFormValue("t"); t != "" {
		return t
	}
	return r.URL.Query().Get("t")
}

// handleListUnsubscribeForm shows the button of a mailed unsubscribe
// link, after checking its token (which leaves it unused).
func (s *Server) handleListUnsubscribeForm(w http.ResponseWriter, r *http.Request) {
	l, _, ok := s.loadList(w, r)
	if !ok {
		return
	}
	if s.opts.Lists == nil {
		s.listsNotRunning(w, r, l)
		return
	}
	tok := r.URL.Query().Get("t")
	got, _, err := s.opts.Lists.CheckUnsubscribe(r.Context(), tok)
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND || (err == nil && got.ID != l.ID) {
		s.listLinkInvalid(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "list_button", &listButtonPage{page: s.newPage("Unsubscribe", l.Title),
		Heading: "Leave " + l.Title, Text: "Press the button to stop getting mail from the list.",
		Action: listURL(l.Name) + "/unsubscribe", Button: "Unsubscribe", Token: tok})
}

// handleListUnsubscribe ends the membership a signed token names: the
// page's button, or RFC 8058 one-click, which a mail provider's server
// posts (List-Unsubscribe=One-Click) with no cookie and no CSRF token —
// the route is registered with postToken off: the signed token is the
// authority. A forged token is 404; a one-click answer is plain text
// that says nothing more.
func (s *Server) handleListUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxFormBytes); err != nil {
			http.Error(w, "Bad request.", http.StatusBadRequest)
			return
		}
	}
	oneClick := r.PostFormValue("List-Unsubscribe") == oneClickBody
	plain := func(status int, text string) {
		noStore(w)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		w.Write([]byte(text + "\n")) //nolint:errcheck // the client went away
	}
	ls := s.store
	name := r.PathValue("name")
	if s.opts.Lists == nil || fanarchive.ValidateListName(name) != nil {
		if oneClick {
			plain(http.StatusNotFound, "Not found.")
			return
		}
		s.notFound(w, r, "list")
		return
	}
	l, err := ls.FindList(r.Context(), name)
	if err == nil {
		var got *fanarchive.List
		if got, _, err = s.opts.Lists.CheckUnsubscribe(r.Context(), unsubscribeToken(r)); err == nil && got.ID != l.ID {
			err = fanarchive.Errorf(fanarchive.ENOTFOUND, "The token is another list's.")
		}
	}
	var m *fanarchive.ListMember
	if err == nil {
		_, m, err = s.opts.Lists.UnsubscribeToken(r.Context(), unsubscribeToken(r))
	}
	switch {
	case fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND && oneClick:
		plain(http.StatusNotFound, "Not found.")
	case fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND:
		s.listLinkInvalid(w, r)
	case err != nil && oneClick:
		s.logError(r, err)
		plain(http.StatusInternalServerError, "Please try again later.")
	case err != nil:
		s.serverError(w, r, err)
	case oneClick:
		s.logger.Info("list unsubscribed", "list", l.Name, "member", m.ID, "one_click", true)
		plain(http.StatusOK, "Unsubscribed.")
	default:
		s.logger.Info("list unsubscribed", "list", l.Name, "member", m.ID)
		noStore(w)
		s.notice(w, r, http.StatusOK, "You have left "+l.Title,
			[]string{"The list will send you no more mail. You can join again at any time."},
			link{l.Title, listURL(l.Name)})
	}
}
