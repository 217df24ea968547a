package search

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"fanarchive"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		must    []Clause
		mustNot []Clause
		include []string
		exclude []string
		notices int
	}{
		{in: "", notices: 0},
		{in: "kettle", must: []Clause{{FieldAny, "kettle"}}},
		{in: "  Kettle   RAIN ", must: []Clause{{FieldAny, "kettle"}, {FieldAny, "rain"}}},
		{in: `"salt wind" -storm`, must: []Clause{{FieldAny, "salt wind"}}, mustNot: []Clause{{FieldAny, "storm"}}},
		{in: `title:lighthouse author:"Ada Quill"`, must: []Clause{{FieldTitle, "lighthouse"}, {FieldAuthors, "ada quill"}}},
		{in: `Title:x AUTHORS:y`, must: []Clause{{FieldTitle, "x"}, {FieldAuthors, "y"}}},
		{in: `-title:"the end"`, mustNot: []Clause{{FieldTitle, "the end"}}},
		{in: `tag:"Clark/Lex" -tag:Angst`, include: []string{"Clark/Lex"}, exclude: []string{"Angst"}},
		{in: `tags:"  Hurt/Comfort  "`, include: []string{"Hurt/Comfort"}},
		{in: `don't x-files`, must: []Clause{{FieldAny, "don t"}, {FieldAny, "x files"}}},
		{in: `"unbalanced phrase`, must: []Clause{{FieldAny, "unbalanced phrase"}}, notices: 1},
		{in: `"*`, notices: 2},
		{in: `NEAR(a b, 3)`, must: []Clause{{FieldAny, "near a"}, {FieldAny, "b"}, {FieldAny, "3"}}},
		{in: `'; DROP TABLE works; --`, must: []Clause{{FieldAny, "drop"}, {FieldAny, "table"}, {FieldAny, "works"}}, notices: 2},
		{in: `a AND OR NOT b`, must: []Clause{{FieldAny, "a"}, {FieldAny, "and"}, {FieldAny, "or"}, {FieldAny, "not"}, {FieldAny, "b"}}},
		{in: `- kettle`, must: []Clause{{FieldAny, "kettle"}}, notices: 1},
		{in: `tag: x`, must: []Clause{{FieldAny, "tag"}, {FieldAny, "x"}}},
		{in: `tag:""`, notices: 1},
		{in: `foo:bar`, must: []Clause{{FieldAny, "foo bar"}}},
		{in: `word"phrase here"`, must: []Clause{{FieldAny, "word"}, {FieldAny, "phrase here"}}},
		{in: `Café NAÏVE`, must: []Clause{{FieldAny, "café"}, {FieldAny, "naïve"}}},
	}
	for _, tt := range tests {
		q, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !slices.Equal(q.Must, tt.must) || !slices.Equal(q.MustNot, tt.mustNot) ||
			!slices.Equal(q.IncludeTags, tt.include) || !slices.Equal(q.ExcludeTags, tt.exclude) {
			t.Errorf("Parse(%q) = must %v, not %v, tags +%q -%q\nwant must %v, not %v, tags +%q -%q",
				tt.in, q.Must, q.MustNot, q.IncludeTags, q.ExcludeTags, tt.must, tt.mustNot, tt.include, tt.exclude)
		}
		if len(q.Notices) != tt.notices {
			t.Errorf("Parse(%q) notices = %q, want %d", tt.in, q.Notices, tt.notices)
		}
	}
}

func TestParseLimits(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("x", fanarchive.MaxSearchTextLen+1),
		strings.Repeat("a ", fanarchive.MaxSearchTerms+1),
		"\xff",
	} {
		if _, err := Parse(in); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
			t.Errorf("Parse(%.20q…) = %v, want EINVALID", in, err)
		}
	}
	if _, err := Parse(strings.Repeat("a ", fanarchive.MaxSearchTerms)); err != nil {
		t.Errorf("%d terms: %v", fanarchive.MaxSearchTerms, err)
	}
}

// TestParseGolden records how a set of odd queries is read, notices
// included, in testdata/parse.golden; run with -update after an intended
// change and review the diff.
func TestParseGolden(t *testing.T) {
	inputs := []string{
		`kettle`, `"salt wind" -storm title:lighthouse`, `author:"Ada Quill" tag:"Clark/Lex" -tag:"Major Character Death"`,
		`"*`, `NEAR(`, `'; DROP TABLE works; --`, `"unbalanced`, `-`, `--x`, `title:`, `tag:`, `a"b"c`, `{title}:x`,
		`kettle*`, `^start`, `x OR y`, `"" ""`, `-tag:""`, `rowid:1`, `((( )))`,
	}
	var b strings.Builder
	for _, in := range inputs {
		q, err := Parse(in)
		fmt.Fprintf(&b, "in:      %s\n", in)
		if err != nil {
			fmt.Fprintf(&b, "error:   %s\n\n", fanarchive.ErrorMessage(err))
			continue
		}
		fmt.Fprintf(&b, "read:    %s\n", q.String())
		for _, n := range q.Notices {
			fmt.Fprintf(&b, "notice:  %s\n", n)
		}
		b.WriteString("\n")
	}
	golden := filepath.Join("testdata", "parse.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("parse results differ from %s; run with -update and review the diff:\n%s", golden, b.String())
	}
}

// FuzzParse checks that any input is either refused with EINVALID or read
// into clauses that hold only index words, within the limits, and that
// writing the query back and reading it again gives the same query.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`kettle -rain "salt wind"`, `title:"a b" author:c tag:"d/e" -tag:f`, `"*`, `NEAR(`,
		`'; DROP`, `"`, `-`, `tag:`, `a"b"c`, "\x00", "é\u0301", `-title:"x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q, err := Parse(in)
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.EINVALID {
				t.Fatalf("Parse(%q): %v", in, err)
			}
			return
		}
		if !utf8.ValidString(in) {
			t.Fatalf("Parse(%q) accepted invalid UTF-8", in)
		}
		for _, c := range append(slices.Clone(q.Must), q.MustNot...) {
			if c.Text == "" || strings.Join(IndexWords(c.Text), " ") != c.Text {
				t.Fatalf("Parse(%q): clause %q is not made of index words", in, c.Text)
			}
		}
		for _, tag := range append(slices.Clone(q.IncludeTags), q.ExcludeTags...) {
			if strings.TrimSpace(tag) == "" || strings.Contains(tag, `"`) {
				t.Fatalf("Parse(%q): bad tag name %q", in, tag)
			}
		}
		if n := len(q.Must) + len(q.MustNot) + len(q.IncludeTags) + len(q.ExcludeTags); n > fanarchive.MaxSearchTerms {
			t.Fatalf("Parse(%q): %d terms", in, n)
		}
		s := q.String()
		if len(s) > fanarchive.MaxSearchTextLen {
			return
		}
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) of String() of %q: %v", s, in, err)
		}
		if !slices.Equal(again.Must, q.Must) || !slices.Equal(again.MustNot, q.MustNot) ||
			!slices.Equal(again.IncludeTags, q.IncludeTags) || !slices.Equal(again.ExcludeTags, q.ExcludeTags) {
			t.Fatalf("round trip of %q through %q changed the query:\n%+v\n%+v", in, s, q, again)
		}
	})
}
