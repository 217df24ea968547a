package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/auth"
)

// The inbox, subscriptions and their unsubscribe links (docs/comments.md).

// notificationsPerPage is how many notifications a page of the inbox shows.
const notificationsPerPage = 50

// notificationView is one item of the inbox.
type notificationView struct {
	ID    int64
	Kind  string
	What  string // what happened, in words
	Title string
	URL   string
	Text  string
	When  string
	Read  bool
}

// subscriptionView is one subscription on the inbox page.
type subscriptionView struct {
	ID   int64
	Kind string
	Name string
}

// inboxPage is the data of the inbox.
type inboxPage struct {
	page
	Items         []notificationView
	Total, Unread int
	Pager         pager
	Subscriptions []subscriptionView
	MailMode      string
	Moderate      bool
	Done          string
}

// notificationWhat says what a notification's kind means.
var notificationWhat = map[fanarchive.NotificationKind]string{
	fanarchive.NotifyNewChapter: "New chapter",
	fanarchive.NotifyNewWork:    "New work",
	fanarchive.NotifySeriesWork: "Added to a series",
	fanarchive.NotifyTagged:     "New in a tag",
	fanarchive.NotifyComment:    "Comment on your work",
	fanarchive.NotifyReply:      "Reply to your comment",
}

// handleInbox shows the logged-in reader's notifications, newest first,
// and their subscriptions and mail setting.
func (s *Server) handleInbox(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.ManageInbox) {
		return
	}
	noStore(w)
	u := currentUser(r)
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	ns, total, err := s.store.FindNotifications(r.Context(), fanarchive.NotificationFilter{UserID: u.ID,
		Offset: (n - 1) * notificationsPerPage, Limit: notificationsPerPage})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := &inboxPage{page: s.newPage("Inbox"), Total: total, Done: r.URL.Query().Get("done")}
	for _, x := range ns {
		v := notificationView{ID: x.ID, Kind: string(x.Kind), What: notificationWhat[x.Kind], Title: x.WorkTitle,
			URL: workURL(x.WorkID), Text: x.Text, When: formatDate(x.CreatedAt), Read: x.Read}
		if v.Title == "" {
			v.Title = "Untitled"
		}
		if x.CommentID != 0 {
			v.URL += "/comments/" + strconv.FormatInt(x.CommentID, 10)
		}
		p.Items = append(p.Items, v)
	}
	if p.Unread, err = s.store.CountUnread(r.Context(), u.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	pages := max(1, (total+notificationsPerPage-1)/notificationsPerPage)
	p.Pager = pager{Page: n, Pages: pages}
	if n > 1 {
		p.Pager.Prev = "/inbox?page=" + strconv.Itoa(n-1)
	}
	if n < pages {
		p.Pager.Next = "/inbox?page=" + strconv.Itoa(n+1)
	}
	subs, err := s.store.FindSubscriptions(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, sb := range subs {
		p.Subscriptions = append(p.Subscriptions, subscriptionView{ID: sb.ID, Kind: string(sb.Kind), Name: sb.Name})
	}
	mode, err := s.store.NotificationMailMode(r.Context(), u.ID)
	if err == nil {
		p.Moderate, err = s.store.ModeratesGuestComments(r.Context(), u.ID)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.MailMode = string(mode)
	s.render(w, r, http.StatusOK, "inbox", p)
}

// formIDs reads the checked notifications of the inbox form.
func formIDs(f url.Values) []int64 {
	var ids []int64
	for _, v := range f["id"] {
		if id, ok := parseID(v); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// handleInboxAction marks the checked notifications read or unread, or
// deletes them. Only the reader's own are touched.
func (s *Server) handleInboxAction(w http.ResponseWriter, r *http.Request) {
	u, f := currentUser(r), r.PostForm
	ids := formIDs(f)
	var err error
	switch f.Get("op") {
	case "read":
		err = s.store.MarkNotifications(r.Context(), u.ID, ids, true)
	case "unread":
		err = s.store.MarkNotifications(r.Context(), u.ID, ids, false)
	case "delete":
		err = s.store.DeleteNotifications(r.Context(), u.ID, ids)
	default:
		s.badRequest(w, r, "Choose what to do with the notifications.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	next := "/inbox"
	if p, ok := parseID(f.Get("page")); ok && p > 1 {
		next += "?page=" + strconv.FormatInt(p, 10)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// handleNotificationSettings sets how the reader gets notifications by
// mail, and whether guests' comments on their works wait for approval.
func (s *Server) handleNotificationSettings(w http.ResponseWriter, r *http.Request) {
	u, f := currentUser(r), r.PostForm
	err := s.store.SetNotificationMailMode(r.Context(), u.ID, fanarchive.MailMode(f.Get("mail")))
	if err == nil {
		err = s.store.SetModerateGuestComments(r.Context(), u.ID, f.Get("moderate") == "on")
	}
	if err != nil {
		s.fail(w, r, err, "account")
		return
	}
	http.Redirect(w, r, "/inbox?done=settings", http.StatusSeeOther)
}

// subscribeView is what a work page offers to subscribe to.
type subscribeView struct {
	Targets []subscribeTarget
	Tags    []subscribeTarget
}

// subscribeTarget is one thing to subscribe to, and the reader's
// subscription to it, if any.
type subscribeTarget struct {
	Kind, Label string
	ID          int64
	SubID       int64
}

// subscribeFor lists the work, its authors and series for a logged-in
// reader, with their subscriptions; nil for a guest.
func (s *Server) subscribeFor(r *http.Request, work *fanarchive.Work) (*subscribeView, error) {
	u := currentUser(r)
	if u == nil || work.Draft {
		return nil, nil
	}
	v := &subscribeView{}
	add := func(list *[]subscribeTarget, kind fanarchive.SubscriptionKind, id int64, label string) error {
		t := subscribeTarget{Kind: string(kind), ID: id, Label: label}
		sub, err := s.store.SubscriptionTo(r.Context(), u.ID, kind, id)
		if err == nil {
			t.SubID = sub.ID
		} else if fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			return err
		}
		*list = append(*list, t)
		return nil
	}
	if err := add(&v.Targets, fanarchive.SubscribeWork, work.ID, "this work"); err != nil {
		return nil, err
	}
	for _, a := range work.Authors {
		if a.ID != 0 {
			if err := add(&v.Targets, fanarchive.SubscribeAuthor, a.ID, a.Name); err != nil {
				return nil, err
			}
		}
	}
	for _, sp := range work.Series {
		if err := add(&v.Targets, fanarchive.SubscribeSeries, sp.SeriesID, "the series "+sp.Title); err != nil {
			return nil, err
		}
	}
	for _, t := range work.Tags {
		if t.ID != 0 && !t.Inferred {
			v.Tags = append(v.Tags, subscribeTarget{Kind: string(fanarchive.SubscribeTag), ID: t.ID, Label: t.Name})
		}
	}
	return v, nil
}

// safeNext is a local path to go back to, or fallback.
func safeNext(next, fallback string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return fallback
	}
	return next
}

// handleSubscribe subscribes the reader to a work, author, series or tag.
func (s *Server) handleSubscribe(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id, ok := parseID(f.Get("target"))
	if !ok {
		s.badRequest(w, r, "Choose what to subscribe to.")
		return
	}
	sub := &fanarchive.Subscription{UserID: currentUser(r).ID, Kind: fanarchive.SubscriptionKind(f.Get("kind")), TargetID: id}
	if err := s.store.Subscribe(r.Context(), sub); err != nil {
		s.fail(w, r, err, "page")
		return
	}
	http.Redirect(w, r, safeNext(f.Get("next"), "/inbox"), http.StatusSeeOther)
}

// subscriptionOwner names the user of the subscription in the path.
func (s *Server) subscriptionOwner(r *http.Request) ([]int64, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such subscription.")
	}
	sub, err := s.store.FindSubscription(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return []int64{sub.UserID}, nil
}

// handleUnsubscribe deletes one of the reader's subscriptions.
func (s *Server) handleUnsubscribe(w http.ResponseWriter, r *http.Request) {
	id, _ := parseID(r.PathValue("id"))
	if err := s.store.Unsubscribe(r.Context(), id, currentUser(r).ID); err != nil {
		s.fail(w, r, err, "subscription")
		return
	}
	http.Redirect(w, r, safeNext(r.PostForm.Get("next"), "/inbox"), http.StatusSeeOther)
}

// unsubscribePage is what a mailed unsubscribe link opens: a button, so a
// mail scanner fetching the link unsubscribes nobody.
type unsubscribePage struct {
	page
	Token, Name, Kind string
}

// unsubscribeLink checks a link's token and finds its subscription: a
// forged, altered or used link (the subscription is gone) is ENOTFOUND.
func (s *Server) unsubscribeLink(r *http.Request) (*fanarchive.Subscription, error) {
	subID, userID, err := s.commentService().CheckUnsubscribeToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return nil, err
	}
	sub, err := s.store.FindSubscription(r.Context(), subID)
	if err != nil {
		return nil, err
	}
	if sub.UserID != userID {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "That link is not valid.")
	}
	return sub, nil
}

// failUnsubscribe answers a bad unsubscribe link with a clear 404.
func (s *Server) failUnsubscribe(w http.ResponseWriter, r *http.Request, err error) {
	if fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		s.serverError(w, r, err)
		return
	}
	noStore(w)
	s.notice(w, r, http.StatusNotFound, "This unsubscribe link is not valid",
		[]string{"It may have been used already (you are not subscribed any more), or it was not copied whole. " +
			"Your subscriptions are listed in your inbox."}, link{"Inbox", "/inbox"})
}

// handleUnsubscribeForm shows the button of a mailed unsubscribe link.
func (s *Server) handleUnsubscribeForm(w http.ResponseWriter, r *http.Request) {
	sub, err := s.unsubscribeLink(r)
	if err != nil {
		s.failUnsubscribe(w, r, err)
		return
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "unsubscribe", &unsubscribePage{page: s.newPage("Unsubscribe"), Token: r.PathValue("token"),
		Name: sub.Name, Kind: string(sub.Kind)})
}

// handleUnsubscribeLink unsubscribes by a mailed link: the page's button,
// or a mail program's one-click POST (RFC 8058).
func (s *Server) handleUnsubscribeLink(w http.ResponseWriter, r *http.Request) {
	sub, err := s.unsubscribeLink(r)
	if err == nil {
		err = s.store.Unsubscribe(r.Context(), sub.ID, sub.UserID)
	}
	if err != nil {
		s.failUnsubscribe(w, r, err)
		return
	}
	noStore(w)
	s.notice(w, r, http.StatusOK, "Unsubscribed", []string{"You will hear no more of " + sub.Name + "."}, link{"The archive", "/"})
}
