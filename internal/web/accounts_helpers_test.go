package web_test

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/web"
)

// Helpers for the accounts tests: accounts made straight in the store,
// clients that keep a session cookie and put its CSRF token in forms, and
// the mail the site queued.

// baseURL is the public URL the accounts fixture's mail links start with.
const baseURL = "http://archive.test"

// fastHash are cheap argon2id parameters for tests that make many accounts;
// the tests of hashing itself use auth.DefaultParams.
var fastHash = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// generous limits keep rate limiting out of tests about something else.
var generous = web.RateLimits{
	LogInIP: web.Limit{N: 100000, Per: time.Minute}, LogInAccount: web.Limit{N: 100000, Per: time.Minute},
	SignUpIP: web.Limit{N: 100000, Per: time.Minute}, SignUpAccount: web.Limit{N: 100000, Per: time.Minute}, ResetIP: web.Limit{N: 100000, Per: time.Minute},
	ResetAccount: web.Limit{N: 100000, Per: time.Minute}, ResendIP: web.Limit{N: 100000, Per: time.Minute},
	ResendAccount: web.Limit{N: 100000, Per: time.Minute}, Password: web.Limit{N: 100000, Per: time.Minute},
	Claims:          web.Limit{N: 100000, Per: time.Minute},
	ListSubscribeIP: web.Limit{N: 100000, Per: time.Minute}, ListSubscribeAddress: web.Limit{N: 100000, Per: time.Minute},
}

func accountOptions() web.Options {
	return web.Options{BaseURL: baseURL, Hasher: auth.NewHasher(fastHash, 0), Limits: &generous,
		MailFrom: &netmail.Address{Name: "Test Archive", Address: "archive@archive.test"}, Lists: listsEngineFor}
}

func newAccountFixture(t *testing.T) *fixture { return newFixture(t, accountOptions()) }

// passwordOf is the password makeUser gives an account.
func passwordOf(name string) string { return "password of " + name }

var userSeq atomic.Int64

// uniqueName returns a new valid user name starting with prefix.
func uniqueName(prefix string) string { return fmt.Sprintf("%s %d", prefix, userSeq.Add(1)) }

// makeUser makes a confirmed account with roles, whose password is
// passwordOf(name).
func (f *fixture) makeUser(name string, roles ...fanarchive.Role) *fanarchive.User {
	f.t.Helper()
	return f.makeUserWith(auth.NewHasher(fastHash, 1), name, roles...)
}

// makeUserWith makes an account as makeUser does, hashing with h.
func (f *fixture) makeUserWith(h *auth.Hasher, name string, roles ...fanarchive.Role) *fanarchive.User {
	f.t.Helper()
	hash, err := h.Hash(context.Background(), passwordOf(name))
	if err != nil {
		f.t.Fatal(err)
	}
	u := &fanarchive.User{Name: name, Email: strings.ReplaceAll(strings.ToLower(name), " ", ".") + "@example.net",
		EmailConfirmed: true, PasswordHash: hash, Roles: roles}
	if err := f.store.CreateUser(context.Background(), u, nil, nil); err != nil {
		f.t.Fatalf("make user %q: %v", name, err)
	}
	return u
}

// client is a browser without a browser: it keeps the session cookie and
// puts the session's CSRF token in every form it posts.
type client struct {
	f       *fixture
	session string // the session cookie's value, "" when logged out
}

func (f *fixture) anon() *client { return &client{f: f} }

// loginAs returns a client with a new session of u, made in the store.
func (f *fixture) loginAs(u *fanarchive.User) *client {
	f.t.Helper()
	secret, id := auth.NewToken()
	if err := f.store.CreateSession(context.Background(), &fanarchive.Session{ID: fanarchive.SessionID(id), UserID: u.ID,
		Idle: time.Hour, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		f.t.Fatal(err)
	}
	return &client{f: f, session: secret}
}

// csrf is the token the client's forms carry.
func (c *client) csrf() string {
	if c.session == "" {
		return ""
	}
	key, err := c.f.store.Secret(context.Background(), "csrf")
	if err != nil {
		c.f.t.Fatal(err)
	}
	return auth.CSRFToken(key, auth.TokenID(c.session))
}

func (c *client) send(req *http.Request) response {
	if c.session != "" {
		req.AddCookie(&http.Cookie{Name: "session", Value: c.session})
	}
	resp := c.f.do(req)
	for _, line := range resp.header.Values("Set-Cookie") {
		ck, err := http.ParseSetCookie(line)
		if err != nil || ck.Name != "session" {
			continue
		}
		if ck.MaxAge < 0 || ck.Value == "" {
			c.session = ""
		} else {
			c.session = ck.Value
		}
	}
	return resp
}

// get fetches path.
func (c *client) get(path string) response {
	c.f.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.f.url(path), nil)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return c.send(req)
}

// post submits a form as the site's own page would (Sec-Fetch-Site:
// same-origin), with the session's CSRF token.
func (c *client) post(path string, form url.Values) response {
	c.f.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if tok := c.csrf(); tok != "" && !form.Has("csrf") {
		form.Set("csrf", tok)
	}
	return c.postWith(path, form, map[string]string{"Sec-Fetch-Site": "same-origin"})
}

// postWith submits a form exactly as given, with these headers.
func (c *client) postWith(path string, form url.Values, headers map[string]string) response {
	c.f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.f.url(path), strings.NewReader(form.Encode()))
	if err != nil {
		c.f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return c.send(req)
}

// sentMail is a mail the site queued, read back.
type sentMail struct {
	To, Subject, Text string
}

// takeMail returns the mail queued since the last call (it claims it from
// the outbox, as a sender would).
func (f *fixture) takeMail() []sentMail {
	f.t.Helper()
	mails, err := f.store.ClaimMail(context.Background(), 1000, time.Hour)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []sentMail
	for _, m := range mails {
		msg, err := netmail.ReadMessage(strings.NewReader(string(m.Header) + string(m.Body.Raw)))
		if err != nil {
			f.t.Fatalf("mail %d does not parse: %v", m.ID, err)
		}
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		text, err := io.ReadAll(body)
		if err != nil {
			f.t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		out = append(out, sentMail{To: m.To, Subject: subject, Text: strings.ReplaceAll(string(text), "\r\n", "\n")})
	}
	return out
}

// mailTo returns the one mail queued since the last takeMail, to to.
func (f *fixture) mailTo(to string) sentMail {
	f.t.Helper()
	mails := f.takeMail()
	for _, m := range mails {
		if m.To == to {
			return m
		}
	}
	f.t.Fatalf("no mail to %s among %d: %+v", to, len(mails), mails)
	return sentMail{}
}

var linkPattern = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `(/[A-Za-z0-9/_-]+)`)

// linkIn returns the path of the link in a mail's text that starts with
// prefix.
func (f *fixture) linkIn(m sentMail, prefix string) string {
	f.t.Helper()
	for _, match := range linkPattern.FindAllStringSubmatch(m.Text, -1) {
		if strings.HasPrefix(match[1], prefix) {
			return match[1]
		}
	}
	f.t.Fatalf("no %s link in the mail:\n%s", prefix, m.Text)
	return ""
}

// form is a shorthand for url.Values from pairs.
func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}
