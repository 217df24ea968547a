package privacy

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"
)

// The examples below are written for these tests: made-up people at
// made-up hosts, in the forms 1990s posts used.

// TestFind checks, for each text, exactly which parts are found.
func TestFind(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // the text of each span, in order
	}{
		// RFC 5322 and its old variants.
		{"plain", "Write to wren.h@tidewater.example.edu today.", []string{"wren.h@tidewater.example.edu"}},
		{"angle brackets", "From: Wren Halloway <wren@tide.example.org>", []string{"wren@tide.example.org"}},
		{"percent route", "mail ohm%lab7.example.edu@relay.example.net", []string{"ohm%lab7.example.edu@relay.example.net"}},
		{"bang route in local part", "or kelp!ohm%lab7@relay.example.net", []string{"kelp!ohm%lab7@relay.example.net"}},
		{"quoted local part", `try "wren halloway"@tide.example.org now`, []string{`"wren halloway"@tide.example.org`}},
		{"domain literal", "raw: ohm@[192.0.2.17].", []string{"ohm@[192.0.2.17]"}},
		{"bitnet dotless", "BITNET: QX12@TIDEVM1 or rowan@tidevax", []string{"QX12@TIDEVM1", "rowan@tidevax"}},
		{"parenthesised id", "Rowan Ash(RA204)@TIDEVM", []string{"(RA204)@TIDEVM"}},
		{"fidonet after at", "Netmail: Rowan Ash@1:234/5678.9 (The Board)", []string{"Ash@1:234/5678.9"}},
		{"fidonet before at", "- 3:711/42.1@fidonet.example", []string{"3:711/42.1@fidonet.example"}},
		{"message id", "Message-ID: <1994Mar3.120102.77@news.example.edu>", []string{"1994Mar3.120102.77@news.example.edu"}},
		{"trailing punctuation", "(me: kelp@tide.example.com.)", []string{"kelp@tide.example.com"}},
		{"two glued", "a.b@c.example.edu//d.e@f.example.edu", []string{"a.b@c.example.edu//d.e@f.example.edu"}},
		{"address as title", "Respond to kelp@shore.example.com", []string{"kelp@shore.example.com"}},

		// UUCP bang paths.
		{"bang with dots", "...!seagate!tide.example.edu!wren", []string{"...!seagate!tide.example.edu!wren"}},
		{"bang leading dots", "mail ...!kelpvax!rowan or write", []string{"...!kelpvax!rowan"}},
		{"bang two hops", "reach me at tidevax!shorenet!rowan.", []string{"tidevax!shorenet!rowan"}},
		{"bang one hop with digit", "uucp-less: kelp7!rowan", []string{"kelp7!rowan"}},
		{"bang site list", "{kelpvax,shorenet,tide7}!harbor!rowan", []string{"{kelpvax,shorenet,tide7}!harbor!rowan"}},
		{"bang path header", "Path: news.tide.example!Rowan", []string{"news.tide.example!Rowan"}},
		{"bang on uucp line", "UUCP: Tide!Rowan", []string{"Tide!Rowan"}},
		{"bang and at", "kelpvax!rowan%tide.UUCP@relay.example.edu", []string{"kelpvax!rowan%tide.UUCP@relay.example.edu"}},
		{"dotted path parts", "Gate.Tide.EDU!rowan3", []string{"Gate.Tide.EDU!rowan3"}},

		// Spelled out.
		{"spelled brackets", "kirk (at) starfleet (dot) example", []string{"kirk (at) starfleet (dot) example"}},
		{"spelled square", "kirk[at]starfleet.example.org", []string{"kirk[at]starfleet.example.org"}},
		{"spelled words", "mail kirk at enterprise dot com please", []string{"kirk at enterprise dot com"}},
		{"spelled caps", "KIRK AT ENTERPRISE DOT COM", []string{"KIRK AT ENTERPRISE DOT COM"}},
		{"spelled dashes", "kirk-at-enterprise-dot-org", []string{"kirk-at-enterprise-dot-org"}},
		{"spelled country", "kirk at bridge dot tide dot uk", []string{"kirk at bridge dot tide dot uk"}},
		{"mailman envelope", "From wren at tide.example.org  Sun Mar  2 10:00:00 1997", []string{"wren at tide.example.org"}},
		{"mailman from", "From: wren at tide.example.org (Wren)", []string{"wren at tide.example.org"}},

		// Other networks.
		{"fidonet label", " * Origin: The Tide Board (FidoNet 1:234/567)", []string{"1:234/567"}},
		{"compuserve parens", "by Rowan Ash (76543,210)", []string{"76543,210"}},
		{"compuserve brackets", "[71234,5670]", []string{"71234,5670"}},
		{"compuserve label", "CompuServe: 71234,567", []string{"71234,567"}},
		{"cis label", "CIS 102345,6701 or", []string{"102345,6701"}},

		// Prose that must stay.
		{"shouting", `"No!No!No!" she cried. "Wow!that was close."`, nil},
		{"alien names", "Vr!ka and T!ree met Sh!sel.", nil},
		{"exclaimed ellipsis", "Wait...!what? Help!...now!", nil},
		{"emphasis", "_No!_ and *Yes!* and __Go!__", nil},
		{"capital word host", `Ep:"Met@Harbourside"? and sh@t and d@mn`, nil},
		{"short host", "Jo@s lip, c@t", nil},
		{"year", "Copyright @1994 and joe@1994", nil},
		{"plain at", "She looked at him. They met at noon at the dock.", nil},
		{"plain at dot", "He stared at the dot on the screen, at the dot in the sky.", nil},
		{"at dot dotted", "Meet at the shuttle.Then run, at bay.com and at Tide.Com", nil},
		{"numbers", "It cost 12,345,678 credits; stardate 41153.7; at 10:30/11:00.", nil},
		{"big number", "about 71234,567 of them", nil},
		{"time ratio", "Ratio 3:2/1 and 12:30/45", nil},
		{"geek code", "GCS d@ p(-)@ c++ !l u+++", nil},
		{"repeated", "no!no!no! and yes!yes!", nil},
		{"hosts only single", "kelpvax!shorenet! and tide!kelp", nil},
		{"factorial", "5!3 and 10!", nil},
		{"art", "@*@*@*@*@ |@| (@) @@", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, sp := range Find(tt.in) {
				got = append(got, tt.in[sp.Start:sp.End])
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Find(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"feedback to wren@tide.example.org!", "feedback to [address hidden]!"},
		{"Respond to kelp@shore.example.com", "Respond to [address hidden]"},
		{"Originally archived at The Shore, rowan@tidevax", "Originally archived at The Shore, [address hidden]"},
		{"-- \nRowan  ...!kelpvax!rowan  (FidoNet 1:234/567)", "-- \nRowan  [address hidden]  (FidoNet [address hidden])"},
		{"nothing here", "nothing here"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMaskHTML checks that markup and entities survive and that addresses
// written with entities are found.
func TestMaskHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<p>Mail <em>wren@tide.example.org</em> now</p>`, `<p>Mail <em>[address hidden]</em> now</p>`},
		{`<p>&lt;wren@tide.example.org&gt; &amp; more</p>`, `<p>&lt;[address hidden]&gt; &amp; more</p>`},
		{`<p>&#34;wren h&#34;@tide.example.org</p>`, `<p>[address hidden]</p>`},
		{`<p>rowan&#64;tide.example.org</p>`, `<p>[address hidden]</p>`},
		{`<p>Caf&eacute; rowan@tidevax</p>`, `<p>Café [address hidden]</p>`},
		{`<p class="verse">kelpvax!shorenet!rowan<br>next</p><hr class="scene-break">`,
			`<p class="verse">[address hidden]<br>next</p><hr class="scene-break">`},
		{`<abbr title="mail rowan@tidevax">R</abbr>`, `<abbr title="mail [address hidden]">R</abbr>`},
		{`<p>Caf&eacute; &amp; no address</p>`, `<p>Caf&eacute; &amp; no address</p>`},
		{`<p>"No!No!" <b>Vr!ka</b></p>`, `<p>"No!No!" <b>Vr!ka</b></p>`},
	}
	for _, tt := range tests {
		if got := MaskHTML(tt.in); got != tt.want {
			t.Errorf("MaskHTML(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskRaw(t *testing.T) {
	in := []byte("From: rowan@tide.example.edu\nPath: a.example!kelpvax!rowan\n\xe9t\xe9 kirk (at) bridge (dot) org\n")
	want := []byte("From: xxxxx@xxxx.xxxxxxx.xxx\nPath: x.xxxxxxx!xxxxxxx!xxxxx\n\xe9t\xe9 xxxx (xx) xxxxxx (xxx) xxx\n")
	got, n := MaskRaw(in)
	if !bytes.Equal(got, want) || n != 3 {
		t.Errorf("MaskRaw = %q, %d; want %q, 3", got, n, want)
	}
	if in[6] != 'r' {
		t.Error("MaskRaw changed its input")
	}
	plain := []byte("No address here.\n")
	if got, n := MaskRaw(plain); &got[0] != &plain[0] || n != 0 {
		t.Error("MaskRaw copied a file without addresses")
	}
}

func TestMaskRawUTF16(t *testing.T) {
	for _, order := range []string{"le", "be"} {
		text := "Feedback: rowan@tidevax, caf\u00e9\n"
		want := "Feedback: xxxxx@xxxxxxx, caf\u00e9\n"
		got, n := MaskRaw(encodeUTF16(text, order))
		if !bytes.Equal(got, encodeUTF16(want, order)) || n != 1 {
			t.Errorf("%s: MaskRaw = %q, %d", order, got, n)
		}
	}
}

func encodeUTF16(s, order string) []byte {
	units := append([]uint16{0xFEFF}, utf16.Encode([]rune(s))...)
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if order == "le" {
			b = append(b, byte(u), byte(u>>8))
		} else {
			b = append(b, byte(u>>8), byte(u))
		}
	}
	return b
}
