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

// TestBrowserAccount is the accounts' end-to-end test: `fanarchive user add`
// makes the first admin; `serve` sends its mail through a real SMTP server
// on a loopback port; headless Chromium signs up, the test reads the
// confirmation mail the SMTP server received and the browser follows its
// link and confirms, logs in, sees its name, adds a pseud and finds it on
// its user page, and logs out; then the admin logs in and grants the new
// account a role on /admin/users.
func TestBrowserAccount(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	browser := webtest.Browser(t)
	data := t.TempDir()
	if _, err := runIn(t, "the admin's password\n", "user", "add", "Ada Admin", "--email", "ada@example.org",
		"--password-stdin", "--role", "admin", "--data", data); err != nil {
		t.Fatal(err)
	}
	smtpAddr, received := smtpSink(t)
	base := serveForTest(t, "--data", data, "--smtp-url", "smtp://"+smtpAddr, "--mail-from", "Archive <archive@example.org>")

	steps := webtest.NewSteps(t, browser)
	do, text := steps.Do, steps.Text

	do("sign up",
		chromedp.Navigate(base+"/"),
		chromedp.Click(chromedp.CSS(`.account-nav a[href="/signup"]`)),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Wren Whistler"),
		chromedp.SendKeys(chromedp.CSS("#email"), "wren@example.net"),
		chromedp.SendKeys(chromedp.CSS("#password"), "song of the wren"),
		chromedp.SendKeys(chromedp.CSS("#password2"), "song of the wren"),
		webtest.Submit(`form[action="/signup"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	if s := text("main"); !strings.Contains(s, "We have sent a link to wren@example.net") {
		t.Fatalf("after signing up:\n%s", s)
	}

	// The mail, as the SMTP server received it.
	var msg string
	for deadline := time.Now().Add(30 * time.Second); msg == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, m := range received() {
			if strings.HasPrefix(m, "archive@example.org → wren@example.net\n") {
				msg = strings.SplitN(m, "\n", 2)[1]
			}
		}
	}
	if msg == "" {
		t.Fatalf("no confirmation mail reached the SMTP server; it got %d mails", len(received()))
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

	do("follow the link and confirm",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`form[action^="/confirm/"] button`)),
		webtest.Submit(`form[action^="/confirm/"] button`),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	if s := text("main"); !strings.Contains(s, "Your address is confirmed") {
		t.Fatalf("after confirming:\n%s", s)
	}

	logIn := func(who, password string) {
		t.Helper()
		do("log in as "+who,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.CSS("#login")),
			chromedp.SendKeys(chromedp.CSS("#login"), who),
			chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Click(chromedp.CSS(`input[name="remember"]`)),
			webtest.Submit(`form[action="/login"] button[type="submit"]`),
			chromedp.WaitVisible(chromedp.CSS(".viewer-name")))
	}
	logIn("wren@example.net", "song of the wren")
	if s := text(".viewer-name"); s != "Wren Whistler" {
		t.Errorf("the header names %q", s)
	}

	do("add a pseud",
		chromedp.Click(chromedp.CSS(`.account-nav a[href="/account"]`)),
		chromedp.WaitVisible(chromedp.CSS("#pseud-name")),
		chromedp.SendKeys(chromedp.CSS("#pseud-name"), "Night Owl"),
		webtest.Submit(`form[action="/account/pseuds"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".form-done")))
	if s := text("ul.pseuds"); !strings.Contains(s, "Night Owl") {
		t.Errorf("pseuds on the account page:\n%s", s)
	}
	do("open the user page", chromedp.Click(chromedp.CSS(".viewer-name")), chromedp.WaitVisible(chromedp.CSS(".user-page")))
	if s := text(".user-page"); !strings.Contains(s, "Night Owl") || !strings.Contains(s, "Wren Whistler") {
		t.Errorf("user page:\n%s", s)
	}

	do("log out",
		webtest.Submit(`form.logout button`),
		chromedp.WaitVisible(chromedp.CSS(`.account-nav a[href="/login"]`)))
	if s := text(".account-nav"); strings.Contains(s, "Wren Whistler") || !strings.Contains(s, "Log in") {
		t.Errorf("the header after logging out: %q", s)
	}

	logIn("Ada Admin", "the admin's password")
	do("grant a role",
		chromedp.Click(chromedp.CSS(`.account-nav a[href="/admin/users"]`)),
		chromedp.WaitVisible(chromedp.CSS(".admin-users")),
		webtest.Submit(`button[aria-label="Grant moderator to Wren Whistler"]`),
		chromedp.WaitVisible(chromedp.CSS(`button[aria-label="Revoke moderator from Wren Whistler"]`)))
	out, err := runIn(t, "", "user", "list", "--data", data)
	if err != nil || !regexp.MustCompile(`Wren Whistler\s+wren@example.net\s+true\s+moderator`).MatchString(out) {
		t.Errorf("user list after granting:\n%s", out)
	}
}
