package prose

import (
	"strings"
	"testing"
)

// TestOpening: what old files put before a story is skipped, and a story
// that starts at once is left alone. The texts are written for the test.
func TestOpening(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"plain story", "The tide came in.\n\nIt went out.", "The tide came in. It went out."},
		{"news header lines", "Origin: [address hidden] (Pat Quill)\n\nNewsgroups: alt.fan.harbor\n\nSubject: Tides, part 1 of 3\n\nThe tide came in.", "The tide came in."},
		{"header fields run together", "ing filters Keywords: waves Organization: Harbor College\n\nThe tide came in.", "The tide came in."},
		{"mbox From line", "From [address hidden] Tue Jan 31 22:22:23 1995\n\nThe tide came in.", "The tide came in."},
		{"relay stamp", "(8.6/1.1) id AB01234; Wed, 30 May 90 12:34:08 CDT id AB05678; Wed, 30 May 90 13:33:35 EDT\n\nThe tide came in.", "The tide came in."},
		{"rules and markers", "==========\n\nPart 1 of 3\n\n*** Prologue ***\n\nThe tide came in.", "The tide came in."},
		{"title with its part", "HARBOR TIDES, chapter 2 of 6\n\nThe tide came in.", "The tide came in."},
		{"rule run onto the text", "------------ [Opening scene: a pier.]", "[Opening scene: a pier.]"},
		{"disclaimer and copyright", "\"Harbor Lights\" is a registered trademark of Nobody Inc. No infringement is intended.\n\nCopyright (C) 1994 Pat Quill\n\n1995 - All rights reserved\n\nThe tide came in.", "The tide came in."},
		{"credits", "Teleplay by\nPat Quill\n\nThe tide came in.", "The tide came in."},
		{"header lines above text in one block", "Subject: Tides\nThe tide came in.", "The tide came in."},
		{"address in a short line", "Pat Quill [address hidden]\n\nThe tide came in.", "The tide came in."},
		{"nothing but front matter", "Subject: Tides\n\n=====", "Subject: Tides ====="},
		{"a story mentioning copyright later", "The tide came in.\n\nCopyright law meant nothing to the sea.", "The tide came in. Copyright law meant nothing to the sea."},
		{"a story beginning with a part word", "Parting was hard for her.", "Parting was hard for her."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Opening(tt.text, 40); got != tt.want {
				t.Errorf("Opening(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
	if got := Opening("Subject: x\n\n"+strings.Repeat("word ", 50), 3); got != "word word word" {
		t.Errorf("n words: %q", got)
	}
}
