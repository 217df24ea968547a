package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/feedback"
)

// Feedback to authors through the relay, and the stop links of relayed
// mail (docs/feedback.md). Neither the sender's address nor the author's
// is ever in a page: the store hands them to the relay's mail builder and
// to nothing else.

// feedbackPages are the templates of this file's pages.
var feedbackPages = []string{"feedback", "feedback_stop"}

// feedbackRelay returns the relay that builds the site's relayed mail.
func (s *Server) feedbackRelay() *feedback.Relay {
	s.relayOnce.Do(func() {
		s.relay = &feedback.Relay{Store: s.store, SiteName: s.opts.SiteName, BaseURL: s.linkBase(), From: *s.opts.MailFrom}
	})
	return s.relay
}

// feedbackFormPage is the data of the feedback form.
type feedbackFormPage struct {
	page
	WorkURL, WorkTitle string
	// Route says what sending does: mailed, kept until the work is
	// claimed, or refused (the authors take no relayed feedback).
	Route  fanarchive.FeedbackRoute
	Legacy bool
	Guest  bool
	// What was typed, when the form comes back with an error.
	Name, Email, Subject, Message string
	Error                         string
}

// orLimit is l, or def when l is not set.
func orLimit(l, def Limit) Limit {
	if l.N <= 0 || l.Per <= 0 {
		return def
	}
	return l
}

// handleFeedbackForm shows the form that sends feedback to a work's
// authors, saying what sending does.
func (s *Server) handleFeedbackForm(w http.ResponseWriter, r *http.Request) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	s.feedbackForm(w, r, work, http.StatusOK, "")
}

// feedbackForm renders the form for work.
func (s *Server) feedbackForm(w http.ResponseWriter, r *http.Request, work *fanarchive.Work, status int, errMsg string) {
	noStore(w)
	var me int64
	if u := currentUser(r); u != nil {
		me = u.ID
	}
	t, err := s.store.FindFeedbackTarget(r.Context(), work.ID, me)
	if fanarchive.ErrorCode(err) == fanarchive.EINVALID {
		s.notice(w, r, http.StatusBadRequest, "This is your own work", []string{fanarchive.ErrorMessage(err)},
			link{"Back to the work", workURL(work.ID)})
		return
	} else if err != nil {
		s.fail(w, r, err, "work")
		return
	}
	f := r.PostForm
	s.render(w, r, status, "feedback", &feedbackFormPage{page: s.newPage("Feedback on " + work.DisplayTitle()),
		WorkURL: workURL(work.ID), WorkTitle: work.DisplayTitle(), Route: t.Route, Legacy: t.Legacy, Guest: me == 0,
		Name: f.Get("name"), Email: f.Get("email"), Subject: f.Get("subject"), Message: f.Get("message"), Error: errMsg})
}

// handleSendFeedback records feedback and mails it to the work's authors
// (or keeps it for whoever claims the work).
func (s *Server) handleSendFeedback(w http.ResponseWriter, r *http.Request) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	u, f := currentUser(r), r.PostForm
	lim := s.opts.Limits
	hits := []hit{}
	if u == nil {
		hits = append(hits, s.ipHit(r, "feedback", orLimit(lim.FeedbackIP, DefaultRateLimits.FeedbackIP)),
			hit{"feedback:work:" + strconv.FormatInt(work.ID, 10), orLimit(lim.FeedbackWork, DefaultRateLimits.FeedbackWork)})
	} else {
		hits = append(hits, hit{"feedback:user:" + strconv.FormatInt(u.ID, 10), orLimit(lim.FeedbackUser, DefaultRateLimits.FeedbackUser)})
	}
	if s.limited(w, r, hits...) {
		return
	}
	if f.Get("website") != "" {
		// The honeypot: a field people never see, which form-filling
		// robots fill. They are told it went, and nothing is kept.
		s.feedbackSent(w, r, work, fanarchive.FeedbackSent)
		return
	}
	fb := &fanarchive.Feedback{WorkID: work.ID, SenderName: strings.TrimSpace(f.Get("name")), SenderEmail: f.Get("email"),
		Subject: strings.TrimSpace(f.Get("subject")), Body: f.Get("message")}
	if u != nil {
		fb.SenderID, fb.SenderName, fb.SenderEmail = u.ID, u.Name, ""
	}
	t, err := s.store.FindFeedbackTarget(r.Context(), work.ID, fb.SenderID)
	if err == nil && t.Route == fanarchive.RouteDecline {
		s.feedbackForm(w, r, work, http.StatusConflict, "The author does not take feedback by mail.")
		return
	}
	mailer, err := s.feedbackRelay().Mailer(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.store.SendFeedback(r.Context(), fb, mailer); err != nil {
		if statusFor(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		s.feedbackForm(w, r, work, statusFor(err), fanarchive.ErrorMessage(err))
		return
	}
	s.logger.Info("feedback", "feedback", fb.ID, "work", work.ID, "state", fb.State, "guest", fb.SenderID == 0)
	s.feedbackSent(w, r, work, fb.State)
}

// feedbackSent says what became of feedback.
func (s *Server) feedbackSent(w http.ResponseWriter, r *http.Request, work *fanarchive.Work, state fanarchive.FeedbackState) {
	noStore(w)
	back := link{"Back to the work", workURL(work.ID)}
	switch state {
	case fanarchive.FeedbackHeld:
		s.notice(w, r, http.StatusOK, "Your feedback is kept for the author",
			[]string{"We have no address for the author of this work, so your feedback is kept until the author claims this work; it is mailed to them then.",
				"They will not see your address: if they reply, it reaches you through the archive."}, back)
	case fanarchive.FeedbackDeclined:
		s.notice(w, r, http.StatusOK, "The author does not take feedback by mail",
			[]string{"Your message was not sent."}, back)
	default:
		s.notice(w, r, http.StatusOK, "Your feedback is on its way",
			[]string{"We have mailed your message to the author. They do not see your address, nor you theirs: if they reply, it reaches you through the archive."}, back)
	}
}

// deliverReleasedFeedback mails the feedback that settled claims released
// to their new owners. A failure is logged: the feedback stays released,
// and the next settled claim's pass (or serve's) mails it.
func (s *Server) deliverReleasedFeedback(ctx context.Context) {
	mailer, err := s.feedbackRelay().Mailer(ctx)
	if err == nil {
		var n int
		n, err = s.store.DeliverReleasedFeedback(ctx, 1000, mailer)
		if n > 0 {
			s.logger.Info("held feedback delivered on claim", "messages", n)
		}
	}
	if err != nil {
		s.logger.Error("deliver held feedback", "err", err)
	}
}

// DeliverReleasedFeedback mails the feedback settled claims released, as
// the claim pages do after each claim: for serve to call now and then, so
// that nothing waits for the next claim after a crash.
func (s *Server) DeliverReleasedFeedback(ctx context.Context) { s.deliverReleasedFeedback(ctx) }

// feedbackStopPage is the page a relayed mail's stop link opens: a button,
// so that a mail scanner fetching the link stops nothing.
type feedbackStopPage struct {
	page
	Token string
}

// stopLinkInvalid answers a malformed, altered or forged stop link.
func (s *Server) stopLinkInvalid(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	s.notice(w, r, http.StatusNotFound, "This link is not valid",
		[]string{"Use the link exactly as it is in the mail."}, link{"The archive", "/"})
}

// handleFeedbackStopForm shows the stop link's button.
func (s *Server) handleFeedbackStopForm(w http.ResponseWriter, r *http.Request) {
	if _, err := s.feedbackRelay().CheckStopToken(r.Context(), r.PathValue("token")); err != nil {
		s.failStop(w, r, err)
		return
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "feedback_stop", &feedbackStopPage{page: s.newPage("Stop relayed mail"), Token: r.PathValue("token")})
}

// handleFeedbackStop stops the relay writing to the link's address.
func (s *Server) handleFeedbackStop(w http.ResponseWriter, r *http.Request) {
	id, err := s.feedbackRelay().CheckStopToken(r.Context(), r.PathValue("token"))
	if err == nil {
		err = s.store.StopFeedbackAddress(r.Context(), id)
	}
	if err != nil {
		s.failStop(w, r, err)
		return
	}
	noStore(w)
	s.notice(w, r, http.StatusOK, "No more relayed mail",
		[]string{"The archive will not relay feedback or replies to this address any more."}, link{"The archive", "/"})
}

func (s *Server) failStop(w http.ResponseWriter, r *http.Request, err error) {
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		s.stopLinkInvalid(w, r)
		return
	}
	s.serverError(w, r, err)
}

// handleFeedbackSetting turns relayed feedback on or off for the account.
func (s *Server) handleFeedbackSetting(w http.ResponseWriter, r *http.Request) {
	on := r.PostForm.Get("relay") == "on"
	if err := s.store.SetFeedbackRelay(r.Context(), currentUser(r).ID, on); err != nil {
		s.accountFailed(w, r, err)
		return
	}
	done := "feedback-off"
	if on {
		done = "feedback-on"
	}
	http.Redirect(w, r, "/account?done="+done, http.StatusSeeOther)
}

// workResponse is what the foot of a work page offers: kudos and who left
// them, and the feedback link.
type workResponse struct {
	FeedbackURL string
	KudosURL    string
	CanKudos    bool
	Total       int
	// Line is "Kudos from Name, Name and 3 guests", in parts.
	Line []kudosPart
}

// kudosPart is a piece of the kudos line: a name with its page, or text.
type kudosPart struct {
	Text, URL string
}

// kudosNamed is how many names the kudos line gives.
const kudosNamed = 100

// workResponseFor returns the foot of work's page for the reader of r.
func (s *Server) workResponseFor(r *http.Request, work *fanarchive.Work) (*workResponse, error) {
	k, err := s.store.FindKudos(r.Context(), work.ID, kudosNamed)
	if err != nil {
		return nil, err
	}
	p := &workResponse{FeedbackURL: workURL(work.ID) + "/feedback", KudosURL: workURL(work.ID) + "/kudos", CanKudos: true,
		Total: k.Total, Line: kudosLine(k)}
	if u := currentUser(r); u != nil {
		t, err := s.store.FindFeedbackTarget(r.Context(), work.ID, 0)
		if err != nil {
			return nil, err
		}
		for _, o := range t.Owners {
			if o == u.ID {
				p.CanKudos = false
			}
		}
	}
	return p, nil
}

// kudosLine says who left kudos: names, then counts.
func kudosLine(k *fanarchive.KudosSummary) []kudosPart {
	var items [][]kudosPart
	for _, n := range k.Users {
		items = append(items, []kudosPart{{Text: n, URL: userURL(n)}})
	}
	if k.MoreUsers > 0 {
		items = append(items, []kudosPart{{Text: plural(k.MoreUsers, "more user", "more users")}})
	}
	if k.Guests > 0 {
		items = append(items, []kudosPart{{Text: plural(k.Guests, "guest", "guests")}})
	}
	if len(items) == 0 {
		return nil
	}
	line := []kudosPart{{Text: "Kudos from "}}
	for i, it := range items {
		switch {
		case i == 0:
		case i == len(items)-1:
			line = append(line, kudosPart{Text: " and "})
		default:
			line = append(line, kudosPart{Text: ", "})
		}
		line = append(line, it...)
	}
	return line
}

// plural says n things.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// handleKudos leaves kudos on a work: once per account, or per guest's
// address within fanarchive.KudosGuestWindow; never on one's own work.
func (s *Server) handleKudos(w http.ResponseWriter, r *http.Request) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	u := currentUser(r)
	var userID int64
	var guest string
	if u != nil {
		userID = u.ID
		t, err := s.store.FindFeedbackTarget(r.Context(), work.ID, 0)
		if err != nil {
			s.fail(w, r, err, "work")
			return
		}
		for _, o := range t.Owners {
			if o == u.ID {
				s.forbidden(w, r, "This is your own work.", "You cannot leave kudos on your own work.")
				return
			}
		}
	} else {
		if s.limited(w, r, s.ipHit(r, "kudos", orLimit(s.opts.Limits.KudosIP, DefaultRateLimits.KudosIP))) {
			return
		}
		key, err := s.store.Secret(r.Context(), "kudos")
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		h := hmac.New(sha256.New, key)
		h.Write([]byte(strconv.FormatInt(work.ID, 10) + "\x00" + s.clientIP(r)))
		guest = hex.EncodeToString(h.Sum(nil))
	}
	added, err := s.store.LeaveKudos(r.Context(), work.ID, userID, guest)
	if err != nil {
		s.fail(w, r, err, "work")
		return
	}
	if !added {
		noStore(w)
		s.notice(w, r, http.StatusOK, "You have left kudos here already",
			[]string{"Thank you! One kudos per reader counts; yours is there."}, link{"Back to the work", workURL(work.ID)})
		return
	}
	http.Redirect(w, r, workURL(work.ID)+"#kudos", http.StatusSeeOther)
}
