package cli

import (
	"io"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fanarchive/internal/web/webtest"
)

// TestBrowserPosting is posting's end-to-end test: `serve` with its mail
// going to a real SMTP server on a loopback port; headless Chromium signs
// up, follows the confirmation link from the mail the SMTP server received,
// logs in, posts a work in Markdown with tags (its first chapter with it),
// adds a second chapter, finds the work by its text in search and on its
// tag page, edits chapter 2 (the form holding the Markdown as written), and
// logs out.
func TestBrowserPosting(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	browser := webtest.Browser(t)
	data := t.TempDir()
	smtpAddr, received := smtpSink(t)
	base := serveForTest(t, "--data", data, "--smtp-url", "smtp://"+smtpAddr, "--mail-from", "Archive <archive@example.org>")

	steps := webtest.NewSteps(t, browser)
	do, text, value := steps.Do, steps.Text, steps.Value

	do("sign up",
		chromedp.Navigate(base+"/signup"),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Tamsin Tide"),
		chromedp.SendKeys(chromedp.CSS("#email"), "tamsin@example.net"),
		chromedp.SendKeys(chromedp.CSS("#password"), "the tide comes in"),
		chromedp.SendKeys(chromedp.CSS("#password2"), "the tide comes in"),
		webtest.Submit(`form[action="/signup"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	link := confirmLink(t, base, received, "tamsin@example.net")
	do("confirm the address",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`form[action^="/confirm/"] button`)),
		webtest.Submit(`form[action^="/confirm/"] button`),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	do("log in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), "Tamsin Tide"),
		chromedp.SendKeys(chromedp.CSS("#password"), "the tide comes in"),
		webtest.Submit(`form[action="/login"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".viewer-name")))

	const chapter1 = "The harbour lamp burned *all night* while the **boats** came home.\n\nNobody slept."
	do("post a work with its first chapter",
		chromedp.Click(chromedp.CSS(`.account-nav a[href="/works/new"]`)),
		chromedp.WaitVisible(chromedp.CSS("#title")),
		chromedp.SendKeys(chromedp.CSS("#title"), "The Night Harbour"),
		chromedp.SendKeys(chromedp.CSS("#summary"), "Boats, a lamp, a long night."),
		chromedp.Click(chromedp.CSS(`input[name="rating"][value="Teen"]`)),
		chromedp.Click(chromedp.CSS(`input[name="warning"][value="No Archive Warnings Apply"]`)),
		chromedp.Click(chromedp.CSS(`input[name="category"][value="Gen"]`)),
		chromedp.SendKeys(chromedp.CSS("#fandoms"), "Original Work"),
		chromedp.SendKeys(chromedp.CSS("#characters"), "Kit, Juno"),
		chromedp.SendKeys(chromedp.CSS("#freeforms"), "Lamplight Vigil, Rain"),
		chromedp.SendKeys(chromedp.CSS("#chapter_title"), "Dusk"),
		chromedp.SetValue(chromedp.CSS("#body"), chapter1),
		webtest.Submit(`button[name="op"][value="preview"]`),
		chromedp.WaitVisible(chromedp.CSS(".preview")))
	if s := text(".preview .prose"); !strings.Contains(s, "burned all night while the boats") {
		t.Fatalf("the preview shows:\n%s", s)
	}
	if v := value("#body"); v != chapter1 {
		t.Errorf("after the preview the text field holds %q", v)
	}
	do("post it",
		webtest.Submit(`button[name="op"][value="post"]`),
		chromedp.WaitVisible(chromedp.CSS(".owner-tools")))
	if s := text("main"); !strings.Contains(s, "The Night Harbour") || !strings.Contains(s, "Lamplight Vigil") ||
		!strings.Contains(s, "burned all night") {
		t.Fatalf("the work page:\n%s", s)
	}

	do("add chapter 2",
		chromedp.Click(chromedp.CSS(`.owner-tools a[href$="/chapters/new"]`)),
		chromedp.WaitVisible(chromedp.CSS("#body")),
		chromedp.SendKeys(chromedp.CSS("#chapter_title"), "Dawn"),
		chromedp.SetValue(chromedp.CSS("#body"), "At dawn the *tide* turned.\n\nKit slept at last."),
		webtest.Submit(`button[name="op"][value="save"]`),
		chromedp.WaitVisible(chromedp.CSS(".owner-tools")))
	if s := text("main"); !strings.Contains(s, "Chapter 2: Dawn") || !strings.Contains(s, "At dawn the tide turned.") {
		t.Fatalf("chapter 2:\n%s", s)
	}

	do("search for it",
		chromedp.Navigate(base+"/search?q="+url.QueryEscape(`"tide turned"`)),
		chromedp.WaitVisible(chromedp.CSS("main")))
	if s := text("main"); !strings.Contains(s, "The Night Harbour") {
		t.Errorf("search by chapter 2's text:\n%s", s)
	}
	do("open its tag page",
		chromedp.Navigate(base+"/tags/freeform/"+url.PathEscape("Lamplight Vigil")),
		chromedp.WaitVisible(chromedp.CSS("main")))
	if s := text("main"); !strings.Contains(s, "The Night Harbour") {
		t.Errorf("the tag page:\n%s", s)
	}

	do("open chapter 2's edit form",
		chromedp.Click(chromedp.CSS(`main a[href^="/works/"]`)),
		chromedp.WaitVisible(chromedp.CSS(".owner-tools")),
		chromedp.Click(chromedp.CSS(`.chapter-nav a[rel="next"]`)),
		chromedp.WaitVisible(chromedp.CSS("#chapter-2")),
		chromedp.Click(chromedp.CSS(`.owner-tools a[href$="/edit"][href*="/chapters/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#body")))
	if v := value("#body"); v != "At dawn the *tide* turned.\n\nKit slept at last." {
		t.Errorf("the chapter form holds %q, not the Markdown as written", v)
	}
	do("edit chapter 2",
		chromedp.SetValue(chromedp.CSS("#body"), "At dawn the *flood tide* turned.\n\nKit slept at last."),
		webtest.Submit(`button[name="op"][value="save"]`),
		chromedp.WaitVisible(chromedp.CSS("#chapter-2")))
	if s := text("#chapter-2"); !strings.Contains(s, "At dawn the flood tide turned.") {
		t.Errorf("chapter 2 after the edit:\n%s", s)
	}

	do("log out",
		webtest.Submit(`form.logout button`),
		chromedp.WaitVisible(chromedp.CSS(`.account-nav a[href="/login"]`)))
	if s := text(".account-nav"); strings.Contains(s, "Tamsin Tide") {
		t.Errorf("the header after logging out: %q", s)
	}
}

// confirmLink waits for the confirmation mail to to reach the SMTP sink
// and returns the link in it.
func confirmLink(t *testing.T, base string, received func() []string, to string) string {
	t.Helper()
	var msg string
	for deadline := time.Now().Add(30 * time.Second); msg == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, m := range received() {
			if strings.HasPrefix(m, "archive@example.org → "+to+"\n") {
				msg = strings.SplitN(m, "\n", 2)[1]
			}
		}
	}
	if msg == "" {
		t.Fatalf("no confirmation mail to %s reached the SMTP server; it got %d mails", to, len(received()))
	}
	parsed, err := netmail.ReadMessage(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(parsed.Body))
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/confirm/[A-Za-z0-9_-]{43}`).FindString(string(body))
	if link == "" {
		t.Fatalf("no confirmation link to %s in the mail:\n%s", base, body)
	}
	return link
}
