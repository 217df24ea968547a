package privacy

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzMask checks, for any text: Find's spans are in order, inside the text
// and apart; Mask leaves nothing Find finds and is idempotent; MaskRaw keeps
// the length, changes only letters and digits (to 'x'), leaves none but 'x'
// in what Find finds in its input or its output, and is idempotent; MaskHTML masks text
// without markup as Mask does. Run it with
//
//	go test ./internal/privacy -run '^$' -fuzz FuzzMask
func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"feedback to wren@tide.example.org!",
		"...!kelpvax!shorenet!rowan",
		"{kelpvax,tide7}!harbor!rowan",
		"kelpvax!rowan%tide.UUCP@relay.example.edu",
		`"wren h"@tide.example.org ohm@[192.0.2.17] (RA204)@TIDEVM`,
		"Rowan Ash@1:234/5678.9 3:711/42.1@fidonet.example",
		"kirk (at) starfleet (dot) org, kirk at enterprise dot com",
		"From wren at tide.example.org  Sun Mar  2\nPath: news.tide!Rowan\n",
		"by Rowan Ash (76543,210) CIS: 71234,567",
		`"No!No!No!" Vr!ka sh@t Met@Harbourside`,
		"<p>Mail &lt;wren@tide.example.org&gt;</p>",
		"\xff\xfer\x00@\x00t\x00i\x00d\x00e\x00v\x00a\x00x\x00",
		"a@b@c.de!f!g!h",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spans := Find(s)
		last := -1
		for _, sp := range spans {
			if sp.Start <= last || sp.End <= sp.Start || sp.End > len(s) {
				t.Fatalf("Find(%q): bad spans %v", s, spans)
			}
			last = sp.End
		}

		masked := Mask(s)
		if again := Find(masked); len(again) > 0 {
			sp := again[0]
			t.Fatalf("Mask(%q) = %q still has %q", s, masked, masked[sp.Start:sp.End])
		}
		if m2 := Mask(masked); m2 != masked {
			t.Fatalf("Mask is not idempotent on %q: %q then %q", s, masked, m2)
		}

		raw, n := MaskRaw([]byte(s))
		if len(raw) != len(s) {
			t.Fatalf("MaskRaw(%q) changed the length: %q", s, raw)
		}
		for i := range raw {
			if raw[i] != s[i] && (raw[i] != 'x' || !isAlnum(s[i])) {
				t.Fatalf("MaskRaw(%q) = %q changed byte %d", s, raw, i)
			}
		}
		if _, utf16 := utf16Order([]byte(s)); !utf16 {
			for _, sp := range spans {
				if hasVisible(raw[sp.Start:sp.End]) {
					t.Fatalf("MaskRaw(%q) = %q leaves %q", s, raw, raw[sp.Start:sp.End])
				}
			}
			for _, sp := range Find(string(raw)) {
				if hasVisible(raw[sp.Start:sp.End]) {
					t.Fatalf("MaskRaw(%q) = %q leaves %q", s, raw, raw[sp.Start:sp.End])
				}
			}
			if n < len(spans) && hasVisible([]byte(s)) {
				visible := 0
				for _, sp := range spans {
					if hasVisible([]byte(s[sp.Start:sp.End])) {
						visible++
					}
				}
				if n < visible {
					t.Fatalf("MaskRaw(%q) counted %d addresses, Find %d", s, n, visible)
				}
			}
		}
		if raw2, _ := MaskRaw(raw); !bytes.Equal(raw2, raw) {
			t.Fatalf("MaskRaw is not idempotent on %q: %q then %q", s, raw, raw2)
		}

		if h := MaskHTML(s); !strings.ContainsAny(s, "<&") && h != masked {
			t.Fatalf("MaskHTML(%q) = %q, Mask %q: they differ on text without markup", s, h, masked)
		}
	})
}
