package cli

import (
	"context"
	"io"
	"mime/quotedprintable"
	netmail "net/mail"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"fanarchive/internal/web/webtest"
)

// feedbackAddress is the address the footer of
// testdata/feedback/tidewater.txt, a story written for this test, asks
// feedback to be sent to.
const feedbackAddress = "marisol.quennell@example.org"

// TestBrowserFeedback sends feedback as a guest, end to end: `fanarchive
// import` stores two stories in the shape of old mailing-list posts, one
// whose footer names an address and one with only a name; `serve` sends
// mail through a real SMTP server on a loopback port. Headless Chromium
// opens the first work, follows "Send feedback to the author", fills the
// form and sends it; the SMTP server receives the mail addressed to the
// footer's address, from the archive, with the guest's address nowhere in
// it, and no page the browser saw showed either address. For the second
// work the form says the feedback is kept until the author claims it, and
// sending it mails nothing.
func TestBrowserFeedback(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	browser := webtest.Browser(t)
	data := t.TempDir()
	if _, err := runIn(t, "", "import", "--data", data, "testdata/feedback/tidewater.txt", "testdata/feedback/driftwood.txt"); err != nil {
		t.Fatal(err)
	}
	smtpAddr, received := smtpSink(t)
	base := serveForTest(t, "--data", data, "--smtp-url", "smtp://"+smtpAddr, "--mail-from", "Archive <archive@example.org>")
	const guestAddress = "reader.gull@example.net"

	steps := webtest.NewSteps(t, browser)
	do, text := steps.Do, steps.Text
	noAddress := func(where string) {
		t.Helper()
		html := steps.HTML("html")
		if h := strings.ToLower(html); strings.Contains(h, feedbackAddress) || strings.Contains(h, "quennell@") {
			t.Errorf("the page %s shows the author's address", where)
		}
	}
	// workURL finds a work's page from the home page's blurbs.
	workURL := func(title string) string {
		t.Helper()
		_, home, _ := get(t, base+"/")
		m := regexp.MustCompile(`href="(/works/\d+)"[^>]*>` + regexp.QuoteMeta(title) + `<`).FindStringSubmatch(home)
		if m == nil {
			t.Fatalf("no link to %q on the home page", title)
		}
		return base + m[1]
	}

	do("open the work and its feedback form",
		chromedp.Navigate(workURL("The Tidewater Bell")),
		chromedp.WaitVisible(chromedp.CSS("a.feedback-link")))
	noAddress("of the work")
	do("follow the link", chromedp.Click(chromedp.CSS("a.feedback-link")), chromedp.WaitVisible(chromedp.CSS(".feedback-form")))
	if s := text(".feedback-form"); !strings.Contains(s, "The archive mails your message to the author") {
		t.Fatalf("the feedback form:\n%s", s)
	}
	noAddress("of the feedback form")
	// Markup in every field comes back inert with the form (the address
	// is refused, so the form is shown again with what was typed).
	var dialogs atomic.Int32
	if err := chromedp.Listen(browser, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	do("send markup",
		chromedp.RemoveAttribute(chromedp.CSS("#fb-email"), "type"),
		chromedp.SendKeys(chromedp.CSS("#fb-name"), `<img src=x onerror=alert(1)>`),
		chromedp.SendKeys(chromedp.CSS("#fb-email"), `"><img src=x onerror=alert(2)>`),
		chromedp.SendKeys(chromedp.CSS("#fb-subject"), `<script>alert(3)</script>`),
		chromedp.SendKeys(chromedp.CSS("#fb-message"), `</textarea><img src=x onerror=alert(4)>`),
		webtest.Submit(`.feedback-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".form-error")))
	func() {
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("main img, main script").length`))
		if err != nil || n != 0 {
			t.Errorf("markup typed into the form became %d elements (%v)", n, err)
		}
		v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#fb-name")))
		if err != nil || v != `<img src=x onerror=alert(1)>` {
			t.Errorf("the name came back as %q (%v)", v, err)
		}
	}()
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d script dialogs opened", n)
	}
	do("clear the form",
		chromedp.Navigate(workURL("The Tidewater Bell")+"/feedback"),
		chromedp.WaitVisible(chromedp.CSS(".feedback-form")))
	do("write and send",
		chromedp.SendKeys(chromedp.CSS("#fb-name"), "Gull Watcher"),
		chromedp.SendKeys(chromedp.CSS("#fb-email"), guestAddress),
		chromedp.SendKeys(chromedp.CSS("#fb-subject"), "The bell"),
		chromedp.SendKeys(chromedp.CSS("#fb-message"), "I heard a bell like that once. <b>Thank you.</b>"),
		webtest.Submit(`.feedback-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	if s := text("main"); !strings.Contains(s, "Your feedback is on its way") {
		t.Fatalf("after sending:\n%s", s)
	}
	noAddress("after sending")

	var msg string
	for deadline := time.Now().Add(30 * time.Second); msg == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, m := range received() {
			if strings.HasPrefix(m, "archive@example.org → "+feedbackAddress+"\n") {
				msg = strings.SplitN(m, "\n", 2)[1]
			}
		}
	}
	if msg == "" {
		t.Fatalf("no feedback mail reached the SMTP server; it got %d mails", len(received()))
	}
	if strings.Contains(strings.ToLower(msg), guestAddress) {
		t.Errorf("the guest's address is in the mail to the author:\n%s", msg)
	}
	parsed, err := netmail.ReadMessage(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(parsed.Body))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"I heard a bell like that once. <b>Thank you.</b>", "Gull Watcher", "/claim", "/feedback/stop/"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the mail lacks %q:\n%s", want, body)
		}
	}
	if !strings.Contains(parsed.Header.Get("Reply-To"), "reply+") || !strings.Contains(parsed.Header.Get("From"), "archive@example.org") {
		t.Errorf("From %q, Reply-To %q", parsed.Header.Get("From"), parsed.Header.Get("Reply-To"))
	}

	// A work whose header kept only a name.
	before := len(received())
	do("open the form of the work without an address",
		chromedp.Navigate(workURL("Driftwood Letters")),
		chromedp.WaitVisible(chromedp.CSS("a.feedback-link")),
		chromedp.Click(chromedp.CSS("a.feedback-link")),
		chromedp.WaitVisible(chromedp.CSS(".feedback-form")))
	if s := text(".feedback-form"); !strings.Contains(s, "kept until the author claims this work") {
		t.Fatalf("the form of a work without an address:\n%s", s)
	}
	do("send it",
		chromedp.SendKeys(chromedp.CSS("#fb-name"), "Gull Watcher"),
		chromedp.SendKeys(chromedp.CSS("#fb-email"), guestAddress),
		chromedp.SendKeys(chromedp.CSS("#fb-message"), "What did the driftwood say?"),
		webtest.Submit(`.feedback-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	if s := text("main"); !strings.Contains(s, "kept until the author claims this work") {
		t.Fatalf("after sending to a work without an address:\n%s", s)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(received()); n != before {
		t.Errorf("feedback to a work without an address mailed %d messages", n-before)
	}
}
