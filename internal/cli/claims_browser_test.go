package cli

import (
	"io"
	"mime/quotedprintable"
	netmail "net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fanarchive/internal/web/webtest"
)

// claimAddress is the address in the header of testdata/claim/ledger.txt,
// a story written for this test.
const claimAddress = "corin.ashdown@example.net"

// TestBrowserClaim claims an imported legacy work by mail link, end to
// end: `fanarchive import` stores a story whose header names an address,
// `user add` makes an account, `serve` sends mail through a real SMTP
// server on a loopback port; headless Chromium logs in, opens the work,
// follows "Claim this work" and sends the link; the test reads the link
// from the mail the SMTP server received, and the browser opens it and
// confirms. The work's byline is then the user's pseud, whose page says
// whose it is, and no page showed the address.
func TestBrowserClaim(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	browser := webtest.Browser(t)
	data := t.TempDir()
	if _, err := runIn(t, "", "import", "--data", data, "testdata/claim/ledger.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := runIn(t, "lamps in the fog\n", "user", "add", "Tamsin Reed", "--email", "tamsin@example.org",
		"--password-stdin", "--data", data); err != nil {
		t.Fatal(err)
	}
	smtpAddr, received := smtpSink(t)
	base := serveForTest(t, "--data", data, "--smtp-url", "smtp://"+smtpAddr, "--mail-from", "Archive <archive@example.org>")

	steps := webtest.NewSteps(t, browser)
	do, text := steps.Do, steps.Text
	noAddress := func(where string) {
		t.Helper()
		if strings.Contains(strings.ToLower(steps.HTML("html")), claimAddress) {
			t.Errorf("the page %s shows the address", where)
		}
	}

	do("log in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), "Tamsin Reed"),
		chromedp.SendKeys(chromedp.CSS("#password"), "lamps in the fog"),
		webtest.Submit(`form[action="/login"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".viewer-name")))

	do("open the work and its claim form",
		chromedp.Navigate(base+"/"),
		chromedp.Click(chromedp.CSS(".blurb-title a")),
		chromedp.WaitVisible(chromedp.CSS("a.claim-link")),
		chromedp.Click(chromedp.CSS("a.claim-link")),
		chromedp.WaitVisible(chromedp.CSS(".claim-form")))
	if s := text(".claim-form"); !strings.Contains(s, "Corin Ashdown") ||
		!strings.Contains(s, "A link will be sent to the address in the story's original header") ||
		!strings.Contains(s, "The Lamplighter's Ledger") {
		t.Fatalf("the claim form:\n%s", s)
	}
	noAddress("of the claim form")

	do("send the link",
		webtest.Submit(`.claim-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	if s := text("main"); !strings.Contains(s, "A link is on its way") {
		t.Fatalf("after asking:\n%s", s)
	}
	noAddress("after asking")

	var msg string
	for deadline := time.Now().Add(30 * time.Second); msg == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, m := range received() {
			if strings.HasPrefix(m, "archive@example.org → "+claimAddress+"\n") {
				msg = strings.SplitN(m, "\n", 2)[1]
			}
		}
	}
	if msg == "" {
		t.Fatalf("no claim mail reached the SMTP server; it got %d mails", len(received()))
	}
	parsed, err := netmail.ReadMessage(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(parsed.Body))
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/claims/[A-Za-z0-9_-]{43}`).FindString(string(body))
	if link == "" {
		t.Fatalf("no claim link to %s in the mail:\n%s", base, body)
	}
	if !strings.Contains(string(body), "Tamsin Reed") {
		t.Errorf("the mail does not name the account that asked:\n%s", body)
	}

	do("follow the link and confirm",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`form[action^="/claims/"] button`)),
		webtest.Submit(`form[action^="/claims/"] button`),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	if s := text("main"); !strings.Contains(s, "The works are yours") || !strings.Contains(s, "The Lamplighter's Ledger") ||
		!strings.Contains(s, "your pseud Corin Ashdown") {
		t.Fatalf("after confirming:\n%s", s)
	}

	do("open the work again",
		chromedp.Navigate(base+"/"),
		chromedp.Click(chromedp.CSS(".blurb-title a")),
		chromedp.WaitVisible(chromedp.CSS(".work-header .byline")))
	if s := text(".work-header .byline"); s != "by Corin Ashdown" {
		t.Errorf("the byline: %q", s)
	}
	do("open the pseud's page", chromedp.Click(chromedp.CSS(".work-header .byline a")), chromedp.WaitVisible(chromedp.CSS(".pseud-of")))
	if s := text(".pseud-of"); s != "A pseud of Tamsin Reed" {
		t.Errorf("the author page says %q", s)
	}
	noAddress("of the pseud")

	// The link is spent.
	do("follow the link again", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if s := text("main"); !strings.Contains(s, "This claim link is not valid any more") {
		t.Errorf("the link followed again:\n%s", s)
	}
}
