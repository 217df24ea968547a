package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"fanarchive/internal/web/webtest"
)

// TestBrowserListSubscribe subscribes from the list's web page in headless
// Chromium: the form asks for an address and a delivery mode; the page
// says to check one's mail; the confirmation reaches a loopback SMTP sink;
// its link opens a page whose button (a GET never confirms) makes the
// address a member, and the member is welcomed by mail.
func TestBrowserListSubscribe(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	browser := webtest.Browser(t)
	data := t.TempDir()
	if _, err := runIn(t, "", "list", "create", "level3", "--data", data, "--address", "level3@lists.example.org",
		"--title", "Level Three", "--fandom", "Smallville", "--description", "The Smallville all-fic list."); err != nil {
		t.Fatal(err)
	}
	sinkAddr, received := smtpSink(t)
	base := serveForTest(t, "--data", data, "--smtp-url", "smtp://"+sinkAddr, "--mail-from", "Archive <archive@lists.example.org>")
	const reader = "reader.kent@example.net"

	steps := webtest.NewSteps(t, browser)
	do, text := steps.Do, steps.Text
	do("open the lists", chromedp.Navigate(base+"/lists"), chromedp.WaitVisible(chromedp.CSS("main")))
	if s := text("main"); !strings.Contains(s, "Level Three") || !strings.Contains(s, "The Smallville all-fic list.") {
		t.Fatalf("the lists page:\n%s", s)
	}
	do("open the list's page", chromedp.Click(chromedp.CSS(`a[href="/lists/level3"]`)), chromedp.WaitVisible(chromedp.CSS("#ls-email")))
	do("subscribe for the digest",
		chromedp.SendKeys(chromedp.CSS("#ls-email"), reader),
		chromedp.Click(chromedp.CSS(`input[name="mode"][value="digest"]`)),
		webtest.Submit(`.list-subscribe button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS("main h1")))
	if s := text("main"); !strings.Contains(s, "Check your mail") {
		t.Fatalf("after subscribing:\n%s", s)
	}
	out, err := runIn(t, "", "list", "members", "level3", "--data", data, "--json")
	if err != nil || !strings.Contains(out, `"pending"`) {
		t.Fatalf("before confirming the member is not pending (%v):\n%s", err, out)
	}

	c := waitMail(t, received, reader, func(m sunk) bool { return strings.Contains(m.msg.Header.Get("Reply-To"), "level3-confirm+") })
	link := regexp.MustCompile(`https?://\S+/lists/level3/confirm/[a-z2-7]+`).FindString(strings.ReplaceAll(c.body, "=\r\n", ""))
	if link == "" {
		t.Fatalf("no confirmation link in:\n%s", c.body)
	}
	do("open the confirmation link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`main button[type="submit"]`)))
	if out, _ := runIn(t, "", "list", "members", "level3", "--data", data, "--json"); !strings.Contains(out, `"pending"`) {
		t.Errorf("opening the link (GET) confirmed the subscription:\n%s", out)
	}
	do("confirm", webtest.Submit(`main button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if s := text("main"); !strings.Contains(s, "Welcome") {
		t.Fatalf("after confirming:\n%s", s)
	}
	out, err = runIn(t, "", "list", "members", "level3", "--data", data, "--json")
	if err != nil || !regexp.MustCompile(`"address":\s*"`+regexp.QuoteMeta(reader)+`"[^}]*"mode":\s*"digest"[^}]*"state":\s*"active"`).MatchString(out) {
		t.Errorf("after confirming, the member (%v):\n%s", err, out)
	}
	waitMail(t, received, reader, subjectHas("Welcome"))
	if html := steps.HTML("html"); strings.Contains(html, "level3-confirm+") {
		t.Errorf("a page shows the confirmation address")
	}
}
