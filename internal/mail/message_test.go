package mail

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"fanarchive"

	gomessage "github.com/emersion/go-message/mail"
)

// readBack parses a built message with go-message, as a mail client would.
func readBack(t testing.TB, raw []byte) *gomessage.Reader {
	t.Helper()
	r, err := gomessage.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("built message does not parse: %v\n%s", err, raw)
	}
	return r
}

func TestBuild(t *testing.T) {
	date := time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)
	raw, err := Build(&Message{
		From:    Address{Name: "The Archive", Address: "archive@fics.example.org"},
		To:      []Address{{Name: "Zoë Ångström", Address: "zoe@example.net"}},
		ReplyTo: []Address{{Address: "noreply@fics.example.org"}},
		Subject: "Confirm your address — «Salt and Static»",
		Text:    "Hello Zoë,\n\nFollow this link: https://fics.example.org/confirm/" + strings.Repeat("x", 120) + "\n",
		Date:    date,
		Extra:   []Field{{"Auto-Submitted", "auto-generated"}, {"X-Story", "Ça va"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 || bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d is %d bytes or holds a bare CR/LF: %q", i, len(line), line)
		}
	}
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("a line ends in LF alone")
	}
	r := readBack(t, raw)
	h := r.Header
	if got, _ := h.Subject(); got != "Confirm your address — «Salt and Static»" {
		t.Errorf("subject reads back as %q", got)
	}
	if !strings.HasPrefix(h.Get("Subject"), "=?utf-8?") {
		t.Errorf("non-ASCII subject not encoded: %q", h.Get("Subject"))
	}
	if got, _ := h.Date(); !got.Equal(date) {
		t.Errorf("date %v, want %v", got, date)
	}
	if id, _ := h.MessageID(); !strings.HasSuffix(id, "@fics.example.org") || len(id) < 30 {
		t.Errorf("message ID %q, want a long random one at the sender's domain", id)
	}
	if h.Get("Mime-Version") != "1.0" || h.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("header: %v", h.Header)
	}
	if got, _ := h.Text("X-Story"); got != "Ça va" {
		t.Errorf("X-Story reads back as %q", got)
	}
	to, _ := h.AddressList("To")
	if len(to) != 1 || to[0].Name != "Zoë Ångström" || to[0].Address != "zoe@example.net" {
		t.Errorf("To reads back as %v", to)
	}
	if typ, params, _ := h.ContentType(); typ != "text/plain" || params["charset"] != "utf-8" || h.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Errorf("content type %s %v, encoding %s", typ, params, h.Get("Content-Transfer-Encoding"))
	}
	p, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(p.Body)
	if !strings.Contains(string(body), "Hello Zoë,\r\n\r\nFollow this link: https://fics.example.org/confirm/"+strings.Repeat("x", 120)) {
		t.Errorf("text reads back as %q", body)
	}
}

func TestBuildHTMLAlternative(t *testing.T) {
	raw, err := Build(&Message{From: Address{Address: "a@example.org"}, Subject: "Hi", Text: "plain *text*", HTML: "<p>rich <b>text</b></p>"})
	if err != nil {
		t.Fatal(err)
	}
	r := readBack(t, raw)
	if typ, _, _ := r.Header.ContentType(); typ != "multipart/alternative" {
		t.Fatalf("content type %s", typ)
	}
	var parts []string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		typ, _, _ := p.Header.(*gomessage.InlineHeader).ContentType()
		b, _ := io.ReadAll(p.Body)
		parts = append(parts, typ+": "+strings.TrimSpace(string(b)))
	}
	if strings.Join(parts, "|") != "text/plain: plain *text*|text/html: <p>rich <b>text</b></p>" {
		t.Errorf("parts: %q", parts)
	}
}

// TestBuildRefusesHeaderInjection tries to add fields, or end the header,
// through every text that reaches one.
func TestBuildRefusesHeaderInjection(t *testing.T) {
	base := func() *Message {
		return &Message{From: Address{Name: "Archive", Address: "archive@example.org"}, To: []Address{{Address: "a@example.net"}},
			Subject: "Hi", Text: "Body"}
	}
	for name, change := range map[string]func(m *Message){
		"subject crlf":         func(m *Message) { m.Subject = "Hi\r\nBcc: victim@example.net" },
		"subject lf":           func(m *Message) { m.Subject = "Hi\nBcc: victim@example.net" },
		"subject cr":           func(m *Message) { m.Subject = "Hi\rBcc: victim@example.net" },
		"subject body":         func(m *Message) { m.Subject = "Hi\r\n\r\nfake body" },
		"subject nul":          func(m *Message) { m.Subject = "Hi\x00" },
		"subject not utf-8":    func(m *Message) { m.Subject = "caf\xe9" },
		"from name":            func(m *Message) { m.From.Name = "Archive\r\nBcc: victim@example.net" },
		"to name":              func(m *Message) { m.To[0].Name = "A\nB" },
		"to address":           func(m *Message) { m.To[0].Address = "a@example.net\r\nBcc: victim@example.net" },
		"reply-to address":     func(m *Message) { m.ReplyTo = []Address{{Address: "x@example.net>, <victim@example.net"}} },
		"from address":         func(m *Message) { m.From.Address = "archive" },
		"extra value":          func(m *Message) { m.Extra = []Field{{"List-Id", "x\r\nBcc: victim@example.net"}} },
		"extra name":           func(m *Message) { m.Extra = []Field{{"Bcc: victim@example.net\r\nX", "1"}} },
		"extra name colon":     func(m *Message) { m.Extra = []Field{{"X:Y", "1"}} },
		"extra overrides from": func(m *Message) { m.Extra = []Field{{"from", "victim@example.net"}} },
		"extra content-type":   func(m *Message) { m.Extra = []Field{{"Content-Type", "text/html"}} },
		"extra empty name":     func(m *Message) { m.Extra = []Field{{"", "1"}} },
		"message id":           func(m *Message) { m.MessageID = "x@y>\r\nBcc: <victim@example.net" },
		"no text":              func(m *Message) { m.Text = " \n" },
	} {
		t.Run(name, func(t *testing.T) {
			m := base()
			change(m)
			raw, err := Build(m)
			if fanarchive.ErrorCode(err) != fanarchive.EINVALID {
				t.Errorf("err = %v, want invalid; built:\n%s", err, raw)
			}
		})
	}
	for _, v := range []string{"a\r\nBcc: x@example.net", "a\x00b"} {
		if _, err := HeaderFields(Field{"X-A", v}); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
			t.Errorf("HeaderFields(%q) err = %v, want invalid", v, err)
		}
	}
}

func TestSingleLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "",
		"  Salt and Static  ":           "Salt and Static",
		"Hi\r\nBcc: victim@example.net": "Hi Bcc: victim@example.net",
		"a\r\n\r\n\tb\x00c\x7fd":        "a b c d",
		"caf\xe9":                       "caf\uFFFD",
		"line\u2028sep\u0085nel":        "line sep nel",
	} {
		if got := SingleLine(in); got != want {
			t.Errorf("SingleLine(%q) = %q, want %q", in, got, want)
		}
		m := &Message{From: Address{Address: "a@example.org"}, Subject: SingleLine(in), Text: "x"}
		if _, err := Build(m); err != nil {
			t.Errorf("Build with SingleLine(%q): %v", in, err)
		}
	}
}

func TestHeaderFields(t *testing.T) {
	long := "<https://fics.example.org/lists/salt/unsubscribe/" + strings.Repeat("t", 60) + ">, <mailto:unsubscribe@fics.example.org>"
	h, err := HeaderFields(Field{"List-Unsubscribe", long}, Field{"list-unsubscribe-post", "List-Unsubscribe=One-Click"})
	if err != nil {
		t.Fatal(err)
	}
	m := &fanarchive.OutboundMail{Kind: "list-post", From: "a@example.org", To: "b@example.net", Header: h,
		Body: &fanarchive.MailBody{Raw: []byte("Subject: x\r\n\r\nx\r\n")}}
	if err := m.Validate(); err != nil {
		t.Fatalf("HeaderFields made fields the outbox refuses: %v\n%q", err, h)
	}
	r := readBack(t, append(h, m.Body.Raw...))
	if got := r.Header.Get("List-Unsubscribe"); got != long {
		t.Errorf("folded field reads back as %q", got)
	}
	if !bytes.HasPrefix(h, []byte("List-Unsubscribe: ")) || !bytes.Contains(h, []byte("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")) {
		t.Errorf("fields out of order or not canonical:\n%s", h)
	}
	if h, err := HeaderFields(); err != nil || len(h) != 0 {
		t.Errorf("no fields: %q, %v", h, err)
	}
}

// FuzzBuild builds messages from arbitrary header texts: either Build
// refuses them as invalid, or the message reads back with exactly the
// fields set, holding exactly those texts.
func FuzzBuild(f *testing.F) {
	f.Add("Hi", "Archive", "Body", "salt")
	f.Add("Hi\r\nBcc: victim@example.net", "A\nB", "x", "y\r\n\r\nz")
	f.Add("=?utf-8?q?encoded?=", "\"quoted\" <name>", ".\r\n.", "Ça va")
	f.Add(strings.Repeat("long words ", 50), strings.Repeat("é", 80), "", strings.Repeat("x", 1200))
	f.Fuzz(func(t *testing.T, subject, name, text, extra string) {
		for _, clean := range []bool{false, true} {
			m := &Message{From: Address{Name: name, Address: "archive@example.org"}, To: []Address{{Address: "a@example.net"}},
				Subject: subject, Text: text + "x", Extra: []Field{{"X-Extra", extra}}, Date: time.Unix(0, 0)}
			if clean {
				m.Subject, m.From.Name, m.Extra[0].Value = SingleLine(subject), SingleLine(name), SingleLine(extra)
			}
			raw, err := Build(m)
			if err != nil {
				if code := fanarchive.ErrorCode(err); code != fanarchive.EINVALID || clean {
					t.Fatalf("Build (clean %v): %v", clean, err)
				}
				continue
			}
			r := readBack(t, raw)
			var keys []string
			for fs := r.Header.Fields(); fs.Next(); {
				keys = append(keys, fs.Key())
			}
			if got := strings.Join(keys, ","); got != "Date,From,To,Subject,Message-Id,X-Extra,Mime-Version,Content-Type,Content-Transfer-Encoding" {
				t.Fatalf("fields %s\n%s", got, raw)
			}
			if got, _ := r.Header.Subject(); got != strings.TrimRight(m.Subject, " \t") {
				t.Fatalf("subject %q reads back as %q", m.Subject, got)
			}
			if from, err := r.Header.AddressList("From"); err != nil || len(from) != 1 || from[0].Name != m.From.Name {
				t.Fatalf("From name %q reads back as %v (%v)", m.From.Name, from, err)
			}
			// A word too long for a line (998 bytes) is split with a
			// space: the only change folding may make.
			unspaced := func(s string) string { return strings.NewReplacer(" ", "", "\t", "").Replace(s) }
			if got, _ := r.Header.Text("X-Extra"); unspaced(got) != unspaced(m.Extra[0].Value) {
				t.Fatalf("X-Extra %q reads back as %q", m.Extra[0].Value, got)
			}
		}
	})
}
