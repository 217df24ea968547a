package cli

import (
	"context"
	netmail "net/mail"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"fanarchive"
	"fanarchive/internal/comments"
	"fanarchive/internal/store/sqlite"
	"fanarchive/internal/web/webtest"
)

// commentsSite is a served archive with two accounts and a work by the
// first, made before serve starts.
type commentsSite struct {
	base, data string
	received   func() []string
	work       *fanarchive.Work
}

// newCommentsSite makes the accounts with `fanarchive user add`, the work
// straight in the store, and serves the archive with mail to an SMTP sink.
func newCommentsSite(t *testing.T) *commentsSite {
	t.Helper()
	s := &commentsSite{data: t.TempDir()}
	for _, u := range []struct{ name, email string }{{"Wren Author", "wren@example.net"}, {"Finch Reader", "finch@example.net"}} {
		if _, err := runIn(t, "a long password\n", "user", "add", u.name, "--email", u.email, "--password-stdin", "--data", s.data); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(s.data, databaseFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	pseud, err := st.FindAuthorByName(ctx, "Wren Author")
	if err != nil {
		t.Fatal(err)
	}
	author, err := st.FindUserByID(ctx, pseud.UserID)
	if err != nil {
		t.Fatal(err)
	}
	s.work = &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "The Lantern Road", PostedBy: author.ID,
		Authors: []fanarchive.Author{*pseud}, Rating: fanarchive.RatingGeneral, Language: "en", Words: 6,
		Tags:     []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Original Work"}, {Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"}},
		Chapters: []*fanarchive.Chapter{{Number: 1, Title: "Dusk", Body: "<p>The lanterns came on one by one.</p>", Words: 6}}}
	if err := st.CreateWork(ctx, s.work); err != nil {
		t.Fatal(err)
	}
	st.Close()
	var smtpAddr string
	smtpAddr, s.received = smtpSink(t)
	s.base = serveForTest(t, "--data", s.data, "--smtp-url", "smtp://"+smtpAddr, "--mail-from", "Archive <archive@example.org>")
	return s
}

// logIn logs the browser in.
func logIn(steps *webtest.Steps, base, name string) {
	steps.Do("log in as "+name,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), name),
		chromedp.SendKeys(chromedp.CSS("#password"), "a long password"),
		webtest.Submit(`form[action="/login"] button[type="submit"]`),
		// This user's name: another's may be in the header already.
		chromedp.WaitVisible(chromedp.CSS(`.viewer-name[href="/users/`+url.PathEscape(name)+`"]`)))
}

// waitMailHolding waits for a mail to to at the sink whose raw bytes hold
// contains, and returns the message.
func waitMailHolding(t *testing.T, received func() []string, to, contains string) string {
	t.Helper()
	return waitMail(t, received, to, func(m sunk) bool { return strings.Contains(m.raw, contains) }).raw
}

// TestBrowserComments: a reader leaves a comment full of markup and the
// author a reply, in headless Chromium; the page shows both as text, runs
// no script and makes no element of it; the author's notification reaches
// the SMTP server with a reply address; the reader's inbox counts the
// reply.
func TestBrowserComments(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	browser := webtest.Browser(t)
	site := newCommentsSite(t)
	var dialogs atomic.Int32
	if err := chromedp.Listen(browser, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	steps := webtest.NewSteps(t, browser)
	workURL := site.base + "/works/" + strconv.FormatInt(site.work.ID, 10)
	logIn(steps, site.base, "Finch Reader")
	const markup = `<img src=x onerror=alert(1)><script>alert(2)</script> *kind* words`
	steps.Do("comment",
		chromedp.Navigate(workURL),
		chromedp.WaitVisible(chromedp.CSS("#cm-text")),
		chromedp.SendKeys(chromedp.CSS("#cm-text"), markup),
		chromedp.SetValue(chromedp.CSS("#cm-format"), "markdown"),
		webtest.Submit(`.comments button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".comment-page")))
	waitMailHolding(t, site.received, "wren@example.net", "comment+")
	logIn(steps, site.base, "Wren Author")
	steps.Do("reply",
		chromedp.Navigate(workURL+"#comments"),
		chromedp.WaitVisible(chromedp.CSS(".comment-links a")),
		chromedp.Click(chromedp.CSS(".comment-links a")),
		chromedp.WaitVisible(chromedp.CSS("#cm-text")),
		chromedp.SendKeys(chromedp.CSS("#cm-text"), `Thank you! <a href="javascript:alert(3)">me</a> </textarea><img src=y onerror=alert(4)>`),
		webtest.Submit(`.comment-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".in-reply-to"))) // the reply's own page
	steps.Do("read the work's comments", chromedp.Navigate(workURL), chromedp.WaitVisible(chromedp.CSS(".comments")))
	if s := steps.Text(".comments"); !strings.Contains(s, "kind words") || !strings.Contains(s, "Thank you!") {
		t.Fatalf("the comments:\n%s", s)
	}
	func() {
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".comments img, .comments script, .comments a[href^='javascript']").length`))
		if err != nil || n != 0 {
			t.Errorf("markup in comments became %d elements (%v)", n, err)
		}
		em, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".comment-body em").length`))
		if err != nil || em != 1 {
			t.Errorf("the Markdown emphasis made %d <em> (%v)", em, err)
		}
	}()
	logIn(steps, site.base, "Finch Reader")
	if s := steps.Text(".account-nav"); !strings.Contains(s, "1 unread") {
		t.Errorf("the header: %q", s)
	}
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d script dialogs opened", n)
	}
}

// TestBrowserSubscription: a reader subscribes to a work in Chromium; a
// new chapter is posted and the fan-out runs; the notification reaches
// the SMTP server with an unsubscribe link, and the inbox shows it.
func TestBrowserSubscription(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	browser := webtest.Browser(t)
	site := newCommentsSite(t)
	steps := webtest.NewSteps(t, browser)
	workURL := site.base + "/works/" + strconv.FormatInt(site.work.ID, 10)
	logIn(steps, site.base, "Finch Reader")
	steps.Do("subscribe",
		chromedp.Navigate(workURL),
		chromedp.WaitVisible(chromedp.CSS(".subscribe-button")),
		webtest.Submit(".subscribe-button"),
		chromedp.WaitVisible(chromedp.CSS(".unsubscribe-button")))

	// The author adds a chapter (in the store, as the chapter form does),
	// and the fan-out runs, as serve's loop does every 30 seconds.
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(site.data, databaseFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.AddChapter(ctx, site.work.ID, &fanarchive.Chapter{Title: "Night", Body: "<p>And then the road went dark.</p>"}, site.work.PostedBy); err != nil {
		t.Fatal(err)
	}
	svc := &comments.Service{Store: st, SiteName: "fanarchive", BaseURL: site.base, From: netmail.Address{Address: "archive@example.org"}}
	mailer, err := svc.Mailer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.NotifySubscribers(ctx, 100, mailer); err != nil || n != 1 {
		t.Fatalf("notified %d, %v", n, err)
	}
	msg := waitMailHolding(t, site.received, "finch@example.net", "Chapter 2")
	if !strings.Contains(msg, "/unsubscribe/") || !strings.Contains(msg, "List-Unsubscribe:") {
		t.Errorf("the mail has no unsubscribe link:\n%s", msg)
	}
	steps.Do("open the inbox",
		chromedp.Click(chromedp.CSS("a.inbox-link")),
		chromedp.WaitVisible(chromedp.CSS(".notifications")))
	if s := steps.Text(".notifications"); !strings.Contains(s, "New chapter") || !strings.Contains(s, "Chapter 2: Night") {
		t.Errorf("the inbox:\n%s", s)
	}
}
