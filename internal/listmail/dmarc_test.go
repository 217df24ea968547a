package listmail

import (
	"context"
	"net"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsServer answers TXT queries from records on a loopback UDP port, and
// NXDOMAIN for names it does not know: a real resolver talks to it.
func dnsServer(t *testing.T, records map[string]string) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			name := strings.ToLower(strings.TrimSuffix(q.Name.String(), "."))
			txt, ok := records[name]
			rh := dnsmessage.Header{ID: h.ID, Response: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
			if !ok {
				rh.RCode = dnsmessage.RCodeNameError
			}
			b := dnsmessage.NewBuilder(nil, rh)
			b.EnableCompression()
			b.StartQuestions()
			b.Question(q)
			b.StartAnswers()
			if ok && q.Type == dnsmessage.TypeTXT {
				b.TXTResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.TXTResource{TXT: []string{txt}})
			}
			out, err := b.Finish()
			if err == nil {
				pc.WriteTo(out, addr)
			}
		}
	}()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
}

func TestDMARCLookup(t *testing.T) {
	r := dnsServer(t, map[string]string{
		"_dmarc.strict.example":     "v=DMARC1; p=reject; rua=mailto:x@strict.example",
		"_dmarc.relaxed.example":    "v=DMARC1; p=none",
		"_dmarc.parent.example":     "v=DMARC1; p=quarantine; sp=reject",
		"_dmarc.nosub.example":      "v=DMARC1; p=quarantine",
		"_dmarc.spf-only.example":   "v=spf1 -all",
		"_dmarc.own.parent.example": "v=DMARC1; p=none",
	})
	lookup := DMARCLookup(r)
	tests := []struct{ domain, want string }{
		{"strict.example", "reject"},
		{"STRICT.example.", "reject"},
		{"relaxed.example", "none"},
		{"mail.parent.example", "reject"}, // the organizational domain's sp=
		{"mail.nosub.example", "quarantine"},
		{"own.parent.example", "none"}, // its own record first
		{"spf-only.example", ""},
		{"unknown.example", ""},
		{"a.b.unknown.example", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := lookup(context.Background(), tt.domain)
		if err != nil || got != tt.want {
			t.Errorf("DMARC of %q = %q, %v; want %q", tt.domain, got, err, tt.want)
		}
	}

	// BuildPost with the real look-up rewrites From for strict.example only.
	c := testConfig()
	c.DMARCPolicy = CacheDMARC(lookup, 0)
	for domain, rewrite := range map[string]bool{"strict.example": true, "relaxed.example": false, "unknown.example": false} {
		raw := "From: Pete <pete@" + domain + ">\r\nSubject: hi\r\n\r\nx\r\n"
		p, err := c.BuildPost(context.Background(), testList(), []byte(raw))
		if err != nil || p.FromRewritten != rewrite {
			t.Errorf("%s: rewritten %v, %v", domain, p != nil && p.FromRewritten, err)
		}
	}

	// A resolver that cannot be reached is an error, and From is kept.
	dead := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Err: net.UnknownNetworkError("none")}
	}}
	if _, err := DMARCLookup(dead)(context.Background(), "strict.example"); err == nil {
		t.Error("no error from a dead resolver")
	}
	c.DMARCPolicy = DMARCLookup(dead)
	if p, err := c.BuildPost(context.Background(), testList(), []byte("From: a@strict.example\r\n\r\nx\r\n")); err != nil || p.FromRewritten {
		t.Errorf("dead resolver: %v", err)
	}
}
