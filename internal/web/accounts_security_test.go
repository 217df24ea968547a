package web_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fanarchive/internal/auth"
	"fanarchive/internal/web"
)

// concretePath fills a route pattern's wildcards so that it can be posted to.
func concretePath(pattern string) string {
	p := strings.TrimPrefix(pattern, "POST ")
	forged, _ := auth.NewToken()
	return strings.NewReplacer("{token}", forged, "{id}", "1").Replace(p)
}

// TestCrossOriginPostsRefused posts to every write route as another site's
// page would — Sec-Fetch-Site: cross-site, or only an Origin of another
// host — logged in and not, and expects the cross-origin 403 every time,
// with nothing changed.
func TestCrossOriginPostsRefused(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser("Careful Cora")
	routes := web.New(f.store, nil, accountOptions()).WriteRoutes()
	for _, r := range routes {
		path := concretePath(r.Pattern)
		for _, headers := range []map[string]string{
			{"Sec-Fetch-Site": "cross-site"},
			{"Sec-Fetch-Site": "same-site"},
			{"Origin": "http://evil.example"},
		} {
			for _, c := range []*client{f.anon(), f.loginAs(u)} {
				vals := form("name", "Evil Pseud", "email", "evil@example.net", "password", "hijacked!", "password2", "hijacked!",
					"current", passwordOf(u.Name), "works", "delete", "role", "admin", "grant", "1", "csrf", c.csrf())
				resp := c.postWith(path, vals, headers)
				if resp.status != http.StatusForbidden || !strings.Contains(resp.body, "That request came from another site.") {
					t.Errorf("POST %s with %v: %d, want the cross-origin 403", path, headers, resp.status)
				}
			}
		}
	}
	if got, err := f.store.FindUserByID(context.Background(), u.ID); err != nil || len(got.Roles) != 0 {
		t.Errorf("the account changed: %+v, %v", got, err)
	}
	if pseuds, _ := f.store.FindPseuds(context.Background(), u.ID); len(pseuds) != 1 {
		t.Errorf("a cross-origin post added a pseud")
	}
}

// TestCSRFToken: a logged-in visitor's form without the session's token,
// with a wrong one or with another session's, is refused; with it, it works.
func TestCSRFToken(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser("Token Tina")
	c, other := f.loginAs(u), f.loginAs(f.makeUser("Other Otto"))
	for name, tok := range map[string]string{"none": "", "wrong": "not-the-token", "another session's": other.csrf()} {
		vals := form("name", "Via "+strings.ReplaceAll(name, "'", ""))
		vals.Set("csrf", tok)
		resp := c.postWith("/account/pseuds", vals, map[string]string{"Sec-Fetch-Site": "same-origin"})
		if resp.status != http.StatusForbidden || !strings.Contains(resp.body, "That form has expired, or did not come from this site.") {
			t.Errorf("%s token: %d", name, resp.status)
		}
	}
	if resp := c.post("/account/pseuds", form("name", "With Token")); resp.status != http.StatusSeeOther {
		t.Errorf("with the token: %d\n%s", resp.status, mainText(resp.body))
	}
	// Every form of a logged-in page carries it.
	page := c.get("/account").body
	if forms, tokens := strings.Count(page, "<form"), strings.Count(page, `name="csrf" value="`+c.csrf()+`"`); forms == 0 || forms-1 != tokens {
		// The header's search form is a GET and has none.
		t.Errorf("the account page has %d forms and %d CSRF tokens", forms, tokens)
	}
}

// TestSignUpBadInput: names that are another's under case, NFKC or
// separators; over-long and malformed fields; markup in every field. Each
// is refused with a message, and what was typed comes back escaped.
func TestSignUpBadInput(t *testing.T) {
	f := newAccountFixture(t)
	f.makeUser("Michelle")
	tests := []struct {
		name, email, password, password2 string
		status                           int
		message                          string
	}{
		{"MICHELLE", "a1@example.net", "long enough", "long enough", http.StatusConflict, "is taken"},
		{"Ｍｉｃｈｅｌｌｅ", "a2@example.net", "long enough", "long enough", http.StatusConflict, "is taken"},
		{"michelle_", "a3@example.net", "long enough", "long enough", http.StatusConflict, "is taken"},
		{"Maple Stone", "a4@example.net", "long enough", "long enough", http.StatusConflict, "claims those works"},
		{"Ma", "a5@example.net", "long enough", "long enough", http.StatusBadRequest, "3 to 40 characters"},
		{strings.Repeat("n", 41), "a6@example.net", "long enough", "long enough", http.StatusBadRequest, "3 to 40 characters"},
		{strings.Repeat("n", 5000), "a6@example.net", "long enough", "long enough", http.StatusBadRequest, "3 to 40 characters"},
		{"<img src=x onerror=alert(1)>", "a7@example.net", "long enough", "long enough", http.StatusBadRequest, "starts with a letter"},
		{"Eve<script>alert(1)</script>", "a8@example.net", "long enough", "long enough", http.StatusBadRequest, "only letters"},
		{"Good Name", "<script>alert(1)</script>@example.net", "long enough", "long enough", http.StatusBadRequest, "not an e-mail address"},
		{"Good Name", "not an address", "long enough", "long enough", http.StatusBadRequest, "not an e-mail address"},
		{"Good Name", "Eve <eve@example.net>", "long enough", "long enough", http.StatusBadRequest, "not an e-mail address"},
		{"Good Name", "eve@example.net\r\nBcc: all@example.net", "long enough", "long enough", http.StatusBadRequest, "not an e-mail address"},
		{"Good Name", "eve@localhost", "long enough", "long enough", http.StatusBadRequest, "not an e-mail address"},
		{"Good Name", strings.Repeat("e", 300) + "@example.net", "long enough", "long enough", http.StatusBadRequest, "at most 254"},
		{"Good Name", "", "long enough", "long enough", http.StatusBadRequest, "address is needed"},
		{"Good Name", "good@example.net", "short", "short", http.StatusBadRequest, "at least 8"},
		{"Good Name", "good@example.net", strings.Repeat("p", 257), strings.Repeat("p", 257), http.StatusBadRequest, "at most 256"},
		{"Good Name", "good@example.net", "long enough", "different!", http.StatusBadRequest, "not the same"},
		{"Good Name", "good@example.net", "\"><script>alert(1)</script>", "\"><script>alert(1)</script>", http.StatusOK, "We have sent a link"},
	}
	for _, tc := range tests {
		resp := f.anon().post("/signup", form("name", tc.name, "email", tc.email, "password", tc.password, "password2", tc.password2))
		if resp.status != tc.status || !strings.Contains(resp.body, htmlEscape(tc.message)) {
			t.Errorf("sign up %.60q / %.60q: %d, want %d with %q\n%s", tc.name, tc.email, resp.status, tc.status, tc.message, mainText(resp.body))
		}
		for _, raw := range []string{"<script>", "<img src=x"} {
			if strings.Contains(resp.body, raw) {
				t.Errorf("sign up %.60q: the page holds %s unescaped", tc.name, raw)
			}
		}
	}
	// An address that has an account gets the same answer as a new one,
	// and its owner a mail.
	resp := f.anon().post("/signup", form("name", "Someone Else", "email", "MICHELLE@example.net", "password", "long enough", "password2", "long enough"))
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "We have sent a link to MICHELLE@example.net") {
		t.Errorf("sign up with a taken address: %d\n%s", resp.status, mainText(resp.body))
	}
	found := false
	for _, m := range f.takeMail() {
		if m.To == "michelle@example.net" && strings.Contains(m.Text, "already has an account") {
			found = true
		}
	}
	if !found {
		t.Error("the owner of a taken address was not told")
	}
	if _, err := f.store.FindUserByName(context.Background(), "Someone Else"); err == nil {
		t.Error("an account was made with a taken address")
	}
}

func htmlEscape(s string) string { return strings.NewReplacer("'", "&#39;", "\"", "&#34;").Replace(s) }

// TestRapidLogIns: 1,000 log-in attempts as fast as 16 clients can send
// them are answered, nearly all with 429 and Retry-After, before any
// password is hashed; meanwhile the site keeps serving pages, and memory
// stays bounded (the Hasher runs at most NumCPU hashes, 19 MiB each).
func TestRapidLogIns(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 requests skipped with -short")
	}
	opts := accountOptions()
	opts.Hasher = auth.NewHasher(auth.DefaultParams, 0)
	opts.Limits = &web.DefaultRateLimits
	f := newFixture(t, opts)
	u := f.makeUserWith(opts.Hasher, "Target Tom")

	var ok, limited, other atomic.Int64
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range 16 {
		wg.Go(func() {
			c := f.anon()
			for i := range jobs {
				login := u.Name
				if i%2 == 1 {
					login = fmt.Sprintf("guess%d@example.net", i) // spread over accounts: the IP limit still holds
				}
				resp := c.post("/login", form("login", login, "password", fmt.Sprint("guess ", i)))
				switch {
				case resp.status == http.StatusTooManyRequests:
					limited.Add(1)
					if resp.header.Get("Retry-After") == "" || !strings.Contains(resp.body, "Too many attempts.") {
						t.Errorf("a 429 without Retry-After or its message")
					}
				case resp.status == http.StatusBadRequest:
					ok.Add(1)
				default:
					other.Add(1)
				}
			}
		})
	}
	var peak atomic.Uint64
	stop := make(chan struct{})
	var slowest atomic.Int64
	var watch sync.WaitGroup
	watch.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			start := time.Now()
			if resp := f.anon().get("/"); resp.status != http.StatusOK {
				t.Errorf("the home page answered %d during the flood", resp.status)
			}
			if d := int64(time.Since(start)); d > slowest.Load() {
				slowest.Store(d)
			}
		}
	})
	for i := range 1000 {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(stop)
	watch.Wait()
	if ok.Load() > int64(web.DefaultRateLimits.LogInIP.N) || limited.Load() < 1000-int64(web.DefaultRateLimits.LogInIP.N) || other.Load() != 0 {
		t.Errorf("%d checked, %d refused with 429, %d other; want at most %d checked", ok.Load(), limited.Load(), other.Load(),
			web.DefaultRateLimits.LogInIP.N)
	}
	t.Logf("1,000 log-ins: %d checked, %d limited; home page at worst %v; heap in use at most %d MiB",
		ok.Load(), limited.Load(), time.Duration(slowest.Load()), peak.Load()>>20)
	if peak.Load() > 512<<20 {
		t.Errorf("heap reached %d MiB", peak.Load()>>20)
	}
	// The account itself is still there to log in to once the window ends:
	// nothing was locked, only slowed.
	if _, err := f.store.FindUserByID(context.Background(), u.ID); err != nil {
		t.Error(err)
	}
}

// TestRateLimitsPerClient: limits count per client address — the peer's,
// or behind a trusted proxy the one it adds last to X-Forwarded-For, which
// a client cannot forge — and per account; sign-up, reset and resending
// are limited too.
func TestRateLimitsPerClient(t *testing.T) {
	limits := generous
	limits.LogInIP = web.Limit{N: 2, Per: time.Minute}
	limits.ResetAccount = web.Limit{N: 1, Per: time.Hour}
	limits.SignUpIP = web.Limit{N: 1, Per: time.Hour}
	limits.ResendIP = web.Limit{N: 1, Per: time.Hour}
	for _, trusted := range []bool{false, true} {
		opts := accountOptions()
		opts.Limits, opts.TrustedProxy = &limits, trusted
		f := newFixture(t, opts)
		statuses := func(xff string) string {
			var got []string
			for range 3 {
				resp := f.anon().postWith("/login", form("login", "x@example.net", "password", "p"),
					map[string]string{"Sec-Fetch-Site": "same-origin", "X-Forwarded-For": xff})
				got = append(got, fmt.Sprint(resp.status))
			}
			return strings.Join(got, " ")
		}
		a, b := statuses("198.51.100.7, 203.0.113.1"), statuses("198.51.100.7, 203.0.113.2")
		if trusted && (a != "400 400 429" || b != "400 400 429") {
			t.Errorf("behind a trusted proxy, two clients: %s / %s; want 400 400 429 each", a, b)
		}
		if !trusted && (a != "400 400 429" || b != "429 429 429") {
			t.Errorf("without a trusted proxy X-Forwarded-For is ignored: %s / %s; want 400 400 429 then 429s", a, b)
		}
	}
	f := newFixture(t, func() web.Options { o := accountOptions(); o.Limits = &limits; return o }())
	u := f.makeUser("Limited Lee")
	for i, want := range []int{http.StatusOK, http.StatusTooManyRequests} {
		if resp := f.anon().post("/reset", form("email", u.Email)); resp.status != want {
			t.Errorf("reset request %d: %d, want %d", i+1, resp.status, want)
		}
		if resp := f.anon().post("/confirm", form("email", u.Email)); resp.status != want {
			t.Errorf("resend %d: %d, want %d", i+1, resp.status, want)
		}
		if resp := f.anon().post("/signup", form("name", fmt.Sprint("Signer ", i), "email", fmt.Sprint("s", i, "@example.net"),
			"password", "long enough", "password2", "long enough")); resp.status != want {
			t.Errorf("sign-up %d: %d, want %d", i+1, resp.status, want)
		}
	}
}

// TestMailLinksIgnoreHost: a reset requested with another Host header (as
// an attacker would, to have the victim's link lead to their site) still
// mails a link to the site's own BaseURL.
func TestMailLinksIgnoreHost(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser("Hosted Hal")
	req, err := http.NewRequest(http.MethodPost, f.url("/reset"), strings.NewReader(form("email", u.Email).Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "evil.example"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if resp := f.do(req); resp.status != http.StatusOK {
		t.Fatalf("reset request: %d", resp.status)
	}
	m := f.mailTo(u.Email)
	if strings.Contains(m.Text, "evil.example") || !strings.Contains(m.Text, baseURL+"/reset/") {
		t.Errorf("the reset mail's link:\n%s", m.Text)
	}
}
