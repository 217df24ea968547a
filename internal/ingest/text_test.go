package ingest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fanarchive"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestGoldenText parses every fixture in testdata/text and compares its
// dry-run record with the .golden.json beside it. Run with -update after a
// deliberate change, and read the diff.
func TestGoldenText(t *testing.T) {
	runGolden(t, "testdata/text/*.txt", func(t *testing.T, name string, raw []byte) any {
		w, err := ParseText(name, raw, Options{})
		if err != nil {
			t.Fatalf("ParseText: %v", err)
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("parsed work does not validate: %v", err)
		}
		return NewRecord(w)
	})
}

// runGolden parses every fixture matching pattern with parse and compares
// the JSON of what it returns with the .golden.json beside the fixture;
// with -update it rewrites the golden files instead.
func runGolden(t *testing.T, pattern string, parse func(t *testing.T, name string, raw []byte) any) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures for %s: %v", pattern, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(parse(t, filepath.Base(f), raw), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(f, filepath.Ext(f)) + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("result differs from %s (go test -run %s -update to accept):\n%s", golden, t.Name(), got)
			}
		})
	}
}

// TestTextFields checks, one rule at a time, what the golden files show
// all at once.
func TestTextFields(t *testing.T) {
	parse := func(t *testing.T, text string) Record {
		t.Helper()
		w, err := ParseText("t.txt", []byte(text), Options{})
		if err != nil {
			t.Fatalf("ParseText: %v", err)
		}
		return NewRecord(w)
	}
	story := "\n\nThe rain came down on the harbour all night long.\n"
	tests := []struct {
		name  string
		text  string
		check func(r Record) bool
	}{
		{"title label", "Title: Rain" + story, func(r Record) bool { return r.Title == "Rain" }},
		{"title any case", "TITLE: Rain" + story, func(r Record) bool { return r.Title == "Rain" }},
		{"title wraps", "Title: A Very Long\n  Title Indeed\nAuthor: X" + story, func(r Record) bool { return r.Title == "A Very Long Title Indeed" }},
		{"no blank between fields", "Title: Rain\nAuthor: Ann\nRating: R" + story, func(r Record) bool {
			return r.Title == "Rain" && r.Authors[0] == "Ann" && r.Rating == "Mature"
		}},
		{"blank between fields", "Title: Rain\n\nAuthor: Ann\n\nRating: R" + story, func(r Record) bool {
			return r.Title == "Rain" && r.Authors[0] == "Ann" && r.Rating == "Mature"
		}},
		{"plural label", "Authors: Ann & Bo" + story, func(r Record) bool { return len(r.Authors) == 2 && r.Authors[1] == "Bo" }},
		{"byline", "by Ann" + story, func(r Record) bool { return r.Authors[0] == "Ann" && r.Title == "" }},
		{"byline slash", "Rain\n\nby\nAnn Lee" + story, func(r Record) bool { return r.Authors[0] == "Ann Lee" && r.Title == "Rain" }},
		{"byline copyright", "RAIN\n\nBy Ann Lee - copyright 1993" + story, func(r Record) bool { return r.Authors[0] == "Ann Lee" && r.Title == "RAIN" }},
		{"byline email private", "by Ann <ann@example.com>" + story, func(r Record) bool { return r.Authors[0] == "Ann" && r.Feedback == "ann@example.com" }},
		{"X wrote:", "Kirsten Berry wrote:" + story, func(r Record) bool { return len(r.Authors) == 1 && r.Authors[0] == "Kirsten Berry" }},
		{"prose by is not a byline", "By the time the boats came in, the rain had stopped." + story, func(r Record) bool {
			return len(r.Authors) == 0 && strings.HasPrefix(r.Begins, "By the time")
		}},
		{"story copyright sentence names the author", "I wrote this over the winter.\n\nThis story is copyright (c) 1994 by Wren Halloway.  All rights\nreserved.  The characters belong to their owners.\nShare it freely, but keep my name on it." + story, func(r Record) bool {
			return len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway" && strings.HasPrefix(r.Begins, "The rain")
		}},
		{"quoted title and glued byline after a preface", "I hope this works this time.\n\n____________\n12/16/93     Harbour Tales, \"The Lamp\"(v#2)By Wren Halloway\nFADE IN" + story, func(r Record) bool {
			return r.Title == "The Lamp" && len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway"
		}},
		{"part heading above the byline, title above that", "I was asked to repost this here.  Please send comments to the\naddress below, not to me.\n\n\nHarbour Lights\n\n\nPart One\nBy Wren Halloway\n\n    The rain came down." + story, func(r Record) bool {
			return r.Title == "Harbour Lights" && len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway" && strings.HasPrefix(r.Begins, "The rain came down.")
		}},
		{"part heading above the byline at the top", "Harbour Lights\n\nPart One\nBy Wren Halloway" + story, func(r Record) bool {
			return r.Title == "Harbour Lights" && len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway"
		}},
		{"title block: title, date, initialled name", "Harbour Lights\n     (July 10, 1994)\n     W. Halloway" + story, func(r Record) bool {
			return r.Title == "Harbour Lights" && len(r.Authors) == 1 && r.Authors[0] == "W. Halloway"
		}},
		{"title block after a preface: series, quoted title, name with address", "Share this freely, as long as all of the information\nabove stays with it.  Mail me if you enjoyed it.\n\n\tHarbour Tales\n\t\"The Lamp\"\n\tWren Halloway (wren@example.org)\n" + story, func(r Record) bool {
			return r.Title == "The Lamp" && len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway" && r.Feedback == "wren@example.org"
		}},
		{"later part: title, byline, part number, no labels", "Stillwater\nby Dana Morrow\nPart 2/3" + story, func(r Record) bool {
			return r.Title == "Stillwater" && len(r.Authors) == 1 && r.Authors[0] == "Dana Morrow" && strings.HasPrefix(r.Begins, "The rain")
		}},
		{"name signed with a date under the title", "The Quiet Hours\nTerry Mallory 10/5/94" + story, func(r Record) bool {
			return r.Title == "The Quiet Hours" && len(r.Authors) == 1 && r.Authors[0] == "Terry Mallory"
		}},
		{"byline with a date in figures", "Rain\nby Terry Mallory 10/5/94" + story, func(r Record) bool {
			return r.Title == "Rain" && len(r.Authors) == 1 && r.Authors[0] == "Terry Mallory"
		}},
		{"byline with a parenthesis never closed", "Rain\nby Jamie Holt (all comments CC to the list" + story, func(r Record) bool {
			return r.Title == "Rain" && len(r.Authors) == 1 && r.Authors[0] == "Jamie Holt"
		}},
		{"centred title in capitals after the author's notes", "Author's notes: this one is for Sam, who asked for snow.  Thanks to\nmy beta readers for their patience.\n\n                         THE LONG WINTER\n" + story, func(r Record) bool {
			return r.Title == "THE LONG WINTER" && strings.HasPrefix(r.Begins, "The rain")
		}},
		{"a centred contents heading after the notes is no title", "Here are my notes on every episode, gathered over the winter.  Thanks\nto everyone who sent corrections.\n\n                       TABLE OF CONTENTS\n" + story, func(r Record) bool {
			return r.Title != "TABLE OF CONTENTS"
		}},
		{"a rating warning is no title", "WARNING!  THIS STORY IS NC-17\n\nRain\nby Ann Lee" + story, func(r Record) bool {
			return r.Title == "Rain" && len(r.Authors) == 1 && r.Authors[0] == "Ann Lee" && r.Rating == "Explicit"
		}},
		{"two short lines are not a title block without a sure name", "Harbour Lights\nWren Halloway" + story, func(r Record) bool {
			return len(r.Authors) == 0
		}},
		{"copyright on the story among other notices", "Harbour Lights : A Harbour Tales story.  Copyright on all the\ncharacters and settings, Tidewater Press; copyright on original\ncharacters and story, Wren S. Halloway, 1995.  Comments are\nalways welcome.  Enjoy!" + story, func(r Record) bool {
			return len(r.Authors) == 1 && r.Authors[0] == "Wren S. Halloway"
		}},
		{"copyright on story by, wrapped", "\"Lamp?\" Or Good Manners Can See One Through ... Anything.  An alternative\nadventure presented for your amusement and entertainment, by Wren\nHalloway.  Copyright on characters by Tidewater Press, Inc., on story by\nWren Halloway, all rights reserved.  Share it freely." + story, func(r Record) bool {
			return len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway"
		}},
		{"title's own 'A' before a colon is no article", "Page 1\n\n\nQ and A : The new Harbour Tales Novel by Wren Halloway" + story, func(r Record) bool {
			return r.Title == "Q and A" && len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway"
		}},
		{"descriptor line between title and copyright", "                 Q and A\n     The new Harbour Tales Novel\n   Copyright (C) 1990 by Wren Halloway" + story, func(r Record) bool {
			return r.Title == "Q and A" && len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway"
		}},
		{"X-Files classification codes are tags, the rating stays", "TITLE: Rain\nCLASSIFICATION: V, MSR\nRATING: PG-13" + story, func(r Record) bool {
			return r.Rating == "Teen" && strings.Contains(strings.Join(r.Tags, "|"), "MSR")
		}},
		{"a classification that is a rating", "Title: Rain\nClassification: NC-17" + story, func(r Record) bool {
			return r.Rating == "Explicit"
		}},
		{"title by author above a site's facts line", "Rain by Ann Lee\n\nRated: T - English - Drama - Chapters: 1 - Words: 900" + story, func(r Record) bool {
			return r.Title == "Rain" && len(r.Authors) == 1 && r.Authors[0] == "Ann Lee" && r.Rating == "Teen" && r.RatingOriginal == "T" &&
				len(r.Notes) == 1 && r.Notes[0].Text == "English - Drama - Chapters: 1 - Words: 900"
		}},
		{"dot leaders", "Title......: Rain\nAuthor.....: Ann Lee\nRating.....: PG" + story, func(r Record) bool {
			return r.Title == "Rain" && r.Authors[0] == "Ann Lee" && r.Rating == "General"
		}},
		{"dash between label and value", "Title - Rain\nAuthor - Ann Lee" + story, func(r Record) bool { return r.Title == "Rain" && r.Authors[0] == "Ann Lee" }},
		{"equals sign", "TITLE = Rain\nAUTHOR = Ann Lee" + story, func(r Record) bool { return r.Title == "Rain" && r.Authors[0] == "Ann Lee" }},
		{"bracketed labels", "[Title: Rain]\n[Author: Ann Lee]" + story, func(r Record) bool { return r.Title == "Rain" && r.Authors[0] == "Ann Lee" }},
		{"a note's label with a dash is prose", "Part - of me wanted to stay." + story, func(r Record) bool { return len(r.Notes) == 0 && strings.HasPrefix(r.Begins, "Part - of me") }},
		{"comments? write me:", "Title: Rain" + story + "\n\nComments? Flames? Write me: ann@example.org\n", func(r Record) bool {
			return r.Feedback == "ann@example.org" && !strings.Contains(r.Ends, "Flames")
		}},
		{"ANSI colours of a BBS file", "\x1b[1;33mRAIN\x1b[0m\n\x1b[36mby Ann Lee\x1b[0m" + story, func(r Record) bool {
			return r.Title == "RAIN" && len(r.Authors) == 1 && r.Authors[0] == "Ann Lee"
		}},
		{"a number after the name is no part of it", "by Ann Lee #3" + story, func(r Record) bool { return len(r.Authors) == 1 && r.Authors[0] == "Ann Lee" }},
		{"a title in capitals over a name, centred", "                         RAIN\n                       Ann Lee" + story, func(r Record) bool {
			return r.Title == "RAIN" && len(r.Authors) == 1 && r.Authors[0] == "Ann Lee" && strings.HasPrefix(r.Begins, "The rain")
		}},
		{"a title in capitals, then a name, then the story", "RAIN\n\nAnn Lee" + story, func(r Record) bool {
			return r.Title == "RAIN" && len(r.Authors) == 1 && r.Authors[0] == "Ann Lee" && strings.HasPrefix(r.Begins, "The rain")
		}},
		{"a subtitle is no name", "RAIN\n\nA Harbour Tale" + story, func(r Record) bool { return len(r.Authors) == 0 }},
		{"copyright line ending in all rights reserved", "RAIN\nCopyright 1995 Ann Lee.  All rights reserved." + story, func(r Record) bool {
			return r.Title == "RAIN" && len(r.Authors) == 1 && r.Authors[0] == "Ann Lee"
		}},
		{"original characters (c) by the author, title above", "Rain\nAll original characters and situations (c) 1995 by Ann Lee." + story, func(r Record) bool {
			return r.Title == "Rain" && len(r.Authors) == 1 && r.Authors[0] == "Ann Lee"
		}},
		{"title over a descriptor byline", "Rain\nA Harbour Tales story by Ann Lee" + story, func(r Record) bool {
			return r.Title == "Rain" && len(r.Authors) == 1 && r.Authors[0] == "Ann Lee"
		}},
		{"a dash signs the title", "\"Rain\"\n-- Ann Lee" + story, func(r Record) bool {
			return r.Title == "Rain" && len(r.Authors) == 1 && r.Authors[0] == "Ann Lee"
		}},
		{"title, copyright year by name", "Rain, copyright 1992 by Ann Lee" + story, func(r Record) bool {
			return r.Title == "Rain" && len(r.Authors) == 1 && r.Authors[0] == "Ann Lee"
		}},
		{"character copyright is not the author", "All characters copyrighted by Paramount.  This story is mine." + story, func(r Record) bool { return len(r.Authors) == 0 }},
		{"byline below the copyright wins", "This story is copyright 1994 by Wren Halloway.  All rights\nreserved, and more besides.\nKeep my name on it.\nThanks.\n\n\"Harbour Lights\" by Wren H.\nPART 1\n-----------\nThe rain came down." + story, func(r Record) bool {
			return r.Title == "Harbour Lights" && r.Authors[0] == "Wren H" && strings.HasPrefix(r.Begins, "The rain came down.")
		}},
		{"description for a title takes the heading above", "The harbour keeps its own time.\n\n     H A R B O U R   L I G H T S\n     ---------------------------\n   A HARBOUR PARODY by Wren Halloway" + story, func(r Record) bool {
			return r.Title == "HARBOUR LIGHTS" && r.Authors[0] == "Wren Halloway" && strings.HasPrefix(r.Begins, "The rain")
		}},
		{"a signed preface names the author", "Here is a story I wrote last winter, when the harbour froze over and nobody sailed.\n\n                    Wren Halloway\n\n---8<--------------------------------------\n" + story, func(r Record) bool {
			return len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway" && r.Evidence["authors"].Via == viaSigned && strings.HasPrefix(r.Begins, "The rain")
		}},
		{"a title above a heading is not a signature", "Copyrighted 1991 by Wren Halloway\n\n      Harbour Lights\n\n          Part I\n" + story, func(r Record) bool {
			return len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway"
		}},
		{"copyright with a remark after it", "Harbour Lights\n\nCopyright 1993 by Wren Halloway\n{the usual disclaimers}\n\nI wrote this for my sister.\n" + story, func(r Record) bool {
			return len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway" && r.Title == "Harbour Lights"
		}},
		{"numbers are not a byline", "Helm, lay in a course.\n\n345.8 by 764.3.  Warp 4." + story, func(r Record) bool { return len(r.Authors) == 0 && r.Title == "" }},
		{"posted on behalf of the author", "I'm posting this for Wren Halloway at wren@example.org, whose\nposts never seem to get through.  Mail her, not me!" + story, func(r Record) bool {
			return len(r.Authors) == 1 && r.Authors[0] == "Wren Halloway" && r.Evidence["authors"].Via == viaPostedFor
		}},
		{"pairing", "Pairing: Clark/Lex" + story, func(r Record) bool { return r.Relationships[0] == "Clark/Lex" }},
		{"relationship plural", "Relationships: A/B; C/D" + story, func(r Record) bool { return len(r.Relationships) == 2 }},
		{"fandom", "Fandom: Smallville" + story, func(r Record) bool { return r.Fandoms[0] == "Smallville" && !r.FandomInferred }},
		{"category", "Category: Slash, Angst" + story, func(r Record) bool { return len(r.Categories) == 2 }},
		{"warnings", "Warnings: character death" + story, func(r Record) bool { return r.Warnings[0] == "character death" }},
		{"summary", "Summary: Rain falls." + story, func(r Record) bool { return r.Summary == "Rain falls." }},
		{"disclaimer note", "Disclaimer: Not mine." + story, func(r Record) bool { return r.Notes[0].Label == "Disclaimer" }},
		{"spoilers note", "Spoilers: all of season 2" + story, func(r Record) bool { return r.Notes[0].Label == "Spoilers" }},
		{"feedback field", "Feedback: ann@example.com" + story, func(r Record) bool { return r.Feedback == "ann@example.com" }},
		{"archive permission note", "Archive: yes, please" + story, func(r Record) bool { return r.Notes[0].Label == "Archive" && r.Archive == "" }},
		{"notes variants", "Notes: one\nAuthor's Note: two\nA/N: three" + story, func(r Record) bool { return len(r.Notes) == 3 && r.Notes[2].Label == "A/N" }},
		{"thanks", "Acknowledgments: Jo\nThanks: Mel" + story, func(r Record) bool { return len(r.Notes) == 2 }},
		{"dedication", "Dedication: for Mel" + story, func(r Record) bool { return r.Notes[0].Label == "Dedication" }},
		{"rating original kept", "Rating: NC-17" + story, func(r Record) bool { return r.Rating == "Explicit" && r.RatingOriginal == "NC-17" }},
		{"unknown rating", "Rating: purple" + story, func(r Record) bool {
			return r.Rating == "Not Rated" && strings.HasPrefix(strings.Join(r.Problems, "|"), ProblemRatingName)
		}},
		{"no title problem", story, func(r Record) bool { return r.Title == "" && r.Problems[0] == ProblemNoTitle }},
		{"feedback footer", "Title: Rain" + story + "\nPlease send feedback to Ann!\n", func(r Record) bool {
			return r.Feedback == "Ann" && strings.HasSuffix(r.Ends, "all night long.")
		}},
		{"comments welcome", "Title: Rain" + story + "\nComments welcome at ann@example.com\n", func(r Record) bool { return r.Feedback == "ann@example.com" }},
		{"the end", "Title: Rain" + story + "\nThe End\n", func(r Record) bool { return strings.HasSuffix(r.Ends, "all night long.") }},
		{"list promotion infers fandom", "Title: Rain" + story + "\nJoin Shoreline, the X-Files slash list!\n", func(r Record) bool {
			return r.List == "Shoreline" && r.Fandoms[0] == "X-Files" && r.FandomInferred
		}},
		{"story that ends with a short line keeps it", "Title: Rain" + story + "\nAnd then\n", func(r Record) bool { return strings.HasSuffix(r.Ends, "And then") }},
		{"scene breaks are not words", "Title: Rain" + story + "\n* * *\n\nMore rain.\n", func(r Record) bool { return r.Words == 12 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parse(t, tt.text)
			if !tt.check(r) {
				b, _ := json.MarshalIndent(r, "", " ")
				t.Errorf("unexpected record:\n%s", b)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	text := "Title: Rain\n\nThe rain came down.\n\nJoin Shoreline, the Smallville all-fic list!\n"
	w, err := ParseText("t.txt", []byte(text), Options{Fandom: "Due South", Archive: "Old Archive", List: "DS-fic"})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRecord(w)
	if len(r.Fandoms) != 1 || r.Fandoms[0] != "Due South" || r.FandomInferred {
		t.Errorf("fandoms = %v (inferred %v), want the flag's only", r.Fandoms, r.FandomInferred)
	}
	if r.Archive != "Old Archive" || r.List != "DS-fic" {
		t.Errorf("archive, list = %q, %q", r.Archive, r.List)
	}
}

// TestBadInput: every bad file gives a clear EUNREADABLE error, never a
// panic or a silent empty work.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
		want string // in the message
	}{
		{"empty", nil, "empty"},
		{"blank", []byte("  \n\r\n\t\n"), "empty"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00junkjunk"), "ZIP"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "PNG"},
		{"random binary", bytes.Repeat([]byte{0, 1, 2, 3, 0xff, 0xfe, 7, 8}, 100), "binary"},
		{"header only", []byte("Title: Rain\nAuthor: Ann\n"), "No story text"},
		{"too big", bytes.Repeat([]byte("word "), 300), "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{}
			if tt.name == "too big" {
				opts.MaxBytes = 1000
			}
			w, err := ParseText("bad", tt.raw, opts)
			if err == nil {
				t.Fatalf("no error; work %+v", w)
			}
			if fanarchive.ErrorCode(err) != fanarchive.EUNREADABLE {
				t.Errorf("code = %q, want %q", fanarchive.ErrorCode(err), fanarchive.EUNREADABLE)
			}
			if msg := fanarchive.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not mention %q", msg, tt.want)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, raw, text, enc string
	}{
		{"ascii", "plain", "plain", EncUTF8},
		{"utf8 bom", "\xef\xbb\xbfcafé", "café", EncUTF8},
		{"utf16le", "\xff\xfeh\x00i\x00", "hi", EncUTF16LE},
		{"utf16be", "\xfe\xff\x00h\x00i", "hi", EncUTF16BE},
		{"windows-1252 quotes", "\x93Hi,\x94 she said. It\x92s caf\xe9.", "“Hi,” she said. It’s café.", EncWindows1252},
		{"latin-1 letters", "Ren\xe9e na\xefve", "Renée naïve", EncWindows1252},
		{"cp437 box", "\xda\xc4\xc4\xbf\n\xb3hi\xb3\n\xc0\xc4\xc4\xd9", "┌──┐\n│hi│\n└──┘", EncCP437},
		{"cp437 accent", "Ayudam\x82!  Muy bien, se\xa4or.", "Ayudamé!  Muy bien, señor.", EncCP437},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, enc, err := Decode([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if text != tt.text || enc != tt.enc {
				t.Errorf("Decode = %q, %q; want %q, %q", text, enc, tt.text, tt.enc)
			}
		})
	}
}

// TestHugeFile decodes and parses a 200 MB file when the limit allows it,
// and refuses it with a clear message under the default limit. It is
// skipped with -short: it needs about a gigabyte of memory.
func TestHugeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("200 MB input; skipped with -short")
	}
	para := []byte("The lamp burned on the north tower, and the boats came home one by one.\n\n")
	raw := append([]byte("Title: Long\nAuthor: Ann\n\n"), bytes.Repeat(para, 200<<20/len(para))...)
	if _, err := ParseText("huge.txt", raw, Options{}); fanarchive.ErrorCode(err) != fanarchive.EUNREADABLE || !strings.Contains(fanarchive.ErrorMessage(err), "200.0 MB") {
		t.Errorf("default limit: err = %v, want EUNREADABLE naming the size", err)
	}
	w, err := ParseText("huge.txt", raw, Options{MaxBytes: 256 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if want := 15 * (200 << 20 / len(para)); w.Words != want {
		t.Errorf("words = %d, want %d", w.Words, want)
	}
}

// TestCentredNotes: label lines set centred, each note of one or more
// paragraphs closed by a rule line, all before the story.
func TestCentredNotes(t *testing.T) {
	text := "                         Historian Note:\n\n     The events here follow the last film.\n\n" +
		"-----------------------------------------\n\n                         Author's Note:\n\n" +
		"     There have been many theories.\n\n     This story is speculation.\n\n" +
		"-----------------------------------------\n\n\"Me?\" Kirk stared at the admiral, and the admiral stared back.\n"
	w, err := ParseText("notes.txt", []byte(text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRecord(w)
	if len(r.Notes) != 2 || r.Notes[0].Label != "Historian Note" || !strings.Contains(r.Notes[1].Text, "speculation") {
		t.Errorf("notes = %+v", r.Notes)
	}
	if !strings.HasPrefix(r.Begins, `"Me?" Kirk stared`) {
		t.Errorf("begins = %q", r.Begins)
	}
}
