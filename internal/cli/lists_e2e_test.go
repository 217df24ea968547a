package cli

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	netmail "net/mail"
	"net/smtp"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// serveWithSMTP starts `fanarchive serve` with its SMTP server on a free
// port, and returns the site's base URL and the SMTP address.
func serveWithSMTP(t *testing.T, args ...string) (base, smtpAddr string) {
	t.Helper()
	m, _, errOut := testMain(nil)
	addr := make(chan string, 1)
	smtpc := make(chan string, 1)
	m.Listening = func(a string) { addr <- a }
	m.SMTPListening = func(a string) { smtpc <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--smtp-addr", "127.0.0.1:0"}, args...))
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errOut)
		}
	})
	for base == "" || smtpAddr == "" {
		select {
		case a := <-addr:
			base = "http://" + a
		case a := <-smtpc:
			smtpAddr = a
		case err := <-done:
			done <- err // for the clean-up, which waits for it
			t.Fatalf("serve exited: %v\n%s", err, errOut)
		case <-time.After(30 * time.Second):
			t.Fatalf("serve did not start:\n%s", errOut)
		}
	}
	return base, smtpAddr
}

// sendMail sends a message over SMTP as a mail client would.
func sendMail(t *testing.T, addr, from, to, msg string) {
	t.Helper()
	msg = strings.ReplaceAll(strings.ReplaceAll(msg, "\r\n", "\n"), "\n", "\r\n")
	if err := smtp.SendMail(addr, nil, from, []string{to}, []byte(msg)); err != nil {
		t.Fatalf("send mail from %s to %s: %v", from, to, err)
	}
}

// sunk is one mail the sink received.
type sunk struct {
	from, to string
	msg      *netmail.Message
	body     string
	raw      string
}

// waitMail waits until the sink has received a mail to `to` that match
// accepts, other than those in seen, and returns it.
func waitMail(t *testing.T, received func() []string, to string, match func(sunk) bool) sunk {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, s := range received() {
			head, raw, _ := strings.Cut(s, "\n")
			from, rcpt, _ := strings.Cut(head, " → ")
			if rcpt != to {
				continue
			}
			msg, err := netmail.ReadMessage(strings.NewReader(raw))
			if err != nil {
				t.Fatalf("a mail to %s does not parse: %v\n%s", to, err, raw)
			}
			body, _ := io.ReadAll(msg.Body)
			m := sunk{from: from, to: rcpt, msg: msg, body: string(body), raw: raw}
			if match(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			var got []string
			for _, s := range received() {
				got = append(got, strings.SplitN(s, "\n", 2)[0])
			}
			t.Fatalf("no matching mail reached %s; the sink got:\n%s", to, strings.Join(got, "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// subjectHas matches a mail whose decoded subject holds s.
func subjectHas(s string) func(sunk) bool {
	return func(m sunk) bool {
		subj, _ := new(mime.WordDecoder).DecodeHeader(m.msg.Header.Get("Subject"))
		return strings.Contains(subj, s)
	}
}

// countMail counts the mails to `to` that match.
func countMail(t *testing.T, received func() []string, to string, match func(sunk) bool) int {
	t.Helper()
	n := 0
	for _, s := range received() {
		head, raw, _ := strings.Cut(s, "\n")
		from, rcpt, _ := strings.Cut(head, " → ")
		if rcpt != to {
			continue
		}
		msg, err := netmail.ReadMessage(strings.NewReader(raw))
		if err != nil {
			continue
		}
		body, _ := io.ReadAll(msg.Body)
		if match(sunk{from: from, to: rcpt, msg: msg, body: string(body), raw: raw}) {
			n++
		}
	}
	return n
}

// storyPart is part n of 3 of a story written for this test, as its author
// would post it to the list.
func storyPart(n int) string {
	texts := []string{
		"The lamps along the quay went out one by one, and Orla counted them\nthe way her mother had taught her, under her breath, in the old words.\n\"Seven,\" she said, when the last one died. \"Seven, and the tide.\"",
		"By morning the boats were gone. Not sunk, not stolen: gone, the way\na word goes out of a sentence and leaves the meaning standing.\n\"You counted them,\" said the harbour-master. \"Didn't you.\"",
		"She went down to the water with the lamp-oil and the matches and lit\nthe first lamp again. Out on the dark, something answered: a light,\nthen another, then seven, coming home on the turning tide.",
	}
	return fmt.Sprintf("Title: The Lamplighter's Count (%d/3)\nAuthor: Wren Halloway\nRating: G\nFandom: Original Work\nSummary: Seven lamps, seven boats, one tide.\n\n%s\n\nThe end of part %d.\n", n, texts[n-1], n)
}

// TestListEndToEnd runs a list end to end over real SMTP: four readers
// subscribe by mail and answer their confirmations by mail (one asks for
// the digest); one posts a story in three parts; the two other members
// who take each post receive every part with the list's headers, from a
// VERP return path; a reply is threaded; the digest member gets one
// digest; the archive shows one work of three chapters and the list's
// archive the thread; and a member leaves with RFC 8058's one-click POST.
func TestListEndToEnd(t *testing.T) {
	data := t.TempDir()
	if _, err := runIn(t, "", "list", "create", "level3", "--data", data, "--address", "level3@lists.example.org",
		"--title", "Level Three", "--fandom", "Smallville"); err != nil {
		t.Fatal(err)
	}
	sinkAddr, received := smtpSink(t)
	base, smtpAddr := serveWithSMTP(t, "--data", data, "--smtp-url", "smtp://"+sinkAddr, "--mail-from", "Archive <archive@lists.example.org>")

	// Subscribing: to level3-subscribe@, or "subscribe digest" to
	// level3-request@; each confirmation is answered by replying to it.
	members := []string{"alice@example.net", "bob@example.net", "carol@example.net", "dana@example.net"}
	for _, who := range members[:3] {
		sendMail(t, smtpAddr, who, "level3-subscribe@lists.example.org",
			"From: "+who+"\nTo: level3-subscribe@lists.example.org\nSubject: join\n\nPlease add me.\n")
	}
	sendMail(t, smtpAddr, members[3], "level3-request@lists.example.org",
		"From: Dana <"+members[3]+">\nTo: level3-request@lists.example.org\nSubject: subscribe digest\n\nsubscribe digest\n")
	for _, who := range members {
		c := waitMail(t, received, who, func(m sunk) bool { return strings.Contains(m.msg.Header.Get("Reply-To"), "level3-confirm+") })
		replyTo, err := netmail.ParseAddress(c.msg.Header.Get("Reply-To"))
		if err != nil {
			t.Fatal(err)
		}
		sendMail(t, smtpAddr, who, replyTo.Address, "From: "+who+"\nTo: "+replyTo.Address+"\nSubject: Re: "+c.msg.Header.Get("Subject")+"\n\nYes.\n")
		waitMail(t, received, who, subjectHas("Welcome"))
	}

	// The story, in three parts, by alice.
	for n := 1; n <= 3; n++ {
		sendMail(t, smtpAddr, "alice@example.net", "level3@lists.example.org", fmt.Sprintf(
			"From: Wren Halloway <alice@example.net>\nTo: level3@lists.example.org\nSubject: The Lamplighter's Count (%d/3)\nMessage-ID: <lamp-%d@example.net>\nDate: %s\n\n%s",
			n, n, time.Now().UTC().Format(time.RFC1123Z), storyPart(n)))
	}
	// A reply from bob to part 1.
	sendMail(t, smtpAddr, "bob@example.net", "level3@lists.example.org",
		"From: Bob <bob@example.net>\nTo: level3@lists.example.org\nSubject: Re: [level3] The Lamplighter's Count (1/3)\nMessage-ID: <bob-1@example.net>\nIn-Reply-To: <lamp-1@example.net>\nReferences: <lamp-1@example.net>\n\nThe counting gave me chills. More please!\n")

	for _, who := range members[1:3] {
		for n := 1; n <= 3; n++ {
			m := waitMail(t, received, who, subjectHas(fmt.Sprintf("[level3] The Lamplighter's Count (%d/3)", n)))
			h := m.msg.Header
			for field, want := range map[string]string{
				"List-Id":               "<level3.lists.example.org>",
				"List-Post":             "<mailto:level3@lists.example.org>",
				"List-Archive":          base + "/lists/level3",
				"List-Unsubscribe":      base + "/lists/level3/unsubscribe?",
				"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
				"List-Help":             "level3-request@lists.example.org",
				"Precedence":            "list",
			} {
				if !strings.Contains(h.Get(field), want) {
					t.Errorf("part %d to %s: %s is %q, want it to hold %q", n, who, field, h.Get(field), want)
				}
			}
			if !regexp.MustCompile(`^level3-bounces\+[^@]+@lists\.example\.org$`).MatchString(m.from) {
				t.Errorf("part %d to %s came from the return path %q, not a VERP address of the list", n, who, m.from)
			}
			if !strings.Contains(m.body, "The end of part") {
				t.Errorf("part %d to %s lost its text:\n%s", n, who, m.body)
			}
		}
	}
	own := func(m sunk) bool {
		subj, _ := new(mime.WordDecoder).DecodeHeader(m.msg.Header.Get("Subject"))
		return strings.HasPrefix(subj, "[level3] The Lamplighter's Count")
	}
	if n := countMail(t, received, "alice@example.net", own); n != 0 {
		t.Errorf("the poster was sent her own post %d times", n)
	}
	if n := countMail(t, received, members[3], subjectHas("[level3] The Lamplighter")); n != 0 {
		t.Errorf("the digest member was sent %d single posts", n)
	}

	// The digest, queued now rather than at the list's hour.
	if _, err := runIn(t, "", "list", "digest", "level3", "--data", data); err != nil {
		t.Fatal(err)
	}
	d := waitMail(t, received, members[3], subjectHas("digest"))
	for n := 1; n <= 3; n++ {
		if !strings.Contains(d.body, fmt.Sprintf("The Lamplighter's Count (%d/3)", n)) {
			t.Errorf("the digest has no part %d:\n%s", n, d.body)
		}
	}
	if n := countMail(t, received, members[3], subjectHas("digest")); n != 1 {
		t.Errorf("the digest member got %d digests", n)
	}

	// One work of three chapters, in order.
	_, home, _ := get(t, base+"/")
	wm := regexp.MustCompile(`href="(/works/\d+)"[^>]*>The Lamplighter(&#39;|')s Count<`).FindAllStringSubmatch(home, -1)
	if len(wm) != 1 {
		t.Fatalf("the works page links %d works titled The Lamplighter's Count:\n%s", len(wm), home)
	}
	_, work, _ := get(t, base+wm[0][1]+"?view=full")
	for n := 1; n <= 3; n++ {
		if !strings.Contains(work, fmt.Sprintf("The end of part %d.", n)) {
			t.Errorf("the work has no part %d", n)
		}
	}
	if i1, i3 := strings.Index(work, "The end of part 1."), strings.Index(work, "The end of part 3."); i1 < 0 || i3 < i1 {
		t.Errorf("the work's chapters are out of order")
	}
	if !strings.Contains(work, "/lists/level3/messages/") {
		t.Errorf("the work page does not link to its list posts")
	}
	if strings.Contains(work, "alice@example.net") {
		t.Errorf("the work page shows the poster's address")
	}

	// The list archive: this month, and the thread of part 1 with bob's
	// reply in it.
	month := time.Now().UTC().Format("2006-01")
	_, arch, _ := get(t, base+"/lists/level3/archive/"+month)
	tm := regexp.MustCompile(`href="(/lists/level3/threads/\d+)"[^>]*>[^<]*The Lamplighter(&#39;|')s Count \(1/3\)`).FindStringSubmatch(arch)
	if tm == nil {
		t.Fatalf("the archive of %s has no thread of part 1:\n%s", month, arch)
	}
	_, thread, _ := get(t, base+tm[1])
	if !strings.Contains(thread, "The counting gave me chills") || !strings.Contains(thread, "Seven, and the tide") {
		t.Errorf("the thread does not hold the part and its reply:\n%s", thread)
	}
	if strings.Contains(thread, "@example.net") {
		t.Errorf("the thread shows a poster's address")
	}

	// One click: bob leaves with the POST his mail's header names.
	m := waitMail(t, received, "bob@example.net", subjectHas("(1/3)"))
	link := regexp.MustCompile(`<(https?://[^>]+)>`).FindStringSubmatch(m.msg.Header.Get("List-Unsubscribe"))
	if link == nil {
		t.Fatalf("no https link in List-Unsubscribe: %q", m.msg.Header.Get("List-Unsubscribe"))
	}
	resp, err := http.Post(link[1], "application/x-www-form-urlencoded", strings.NewReader(url.Values{"List-Unsubscribe": {"One-Click"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe answered %d", resp.StatusCode)
	}
	out, err := runIn(t, "", "list", "members", "level3", "--data", data, "--json")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`"address":\s*"bob@example.net"[^}]*"state":\s*"unsubscribed"`).MatchString(out) {
		t.Errorf("bob is not unsubscribed after one click:\n%s", out)
	}
	// A forged token changes nothing.
	forged := strings.Replace(link[1], "t=", "t=x", 1)
	resp, err = http.Post(forged, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("a forged one-click token was taken")
	}
}
