package fanarchive

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTidyBookmarkTags(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
		code string
	}{
		{"", "", ""},
		{"comfort,  re-read ,Comfort, , ", "comfort|re-read", ""},
		{" a\tb ", "a b", ""},
		{strings.Repeat("x", MaxBookmarkTagLen+1), "", EINVALID},
		{manyTags(MaxBookmarkTags + 1), "", EINVALID},
		{manyTags(MaxBookmarkTags), manyTagsWant(MaxBookmarkTags), ""},
		{"\xff", "", EINVALID},
	} {
		got, err := TidyBookmarkTags(SplitBookmarkTags(tt.in))
		if ErrorCode(err) != tt.code {
			t.Errorf("%q: error %v, want code %q", tt.in, err, tt.code)
			continue
		}
		if err == nil && strings.Join(got, "|") != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, strings.Join(got, "|"), tt.want)
		}
	}
}

// FuzzTidyBookmarkTags checks that whatever a form sends, the tags kept
// are tidy, unique and within the limits, or the input is refused.
func FuzzTidyBookmarkTags(f *testing.F) {
	for _, s := range []string{"", "a,b", "A, a", " x  y ,", "\xff,ok", strings.Repeat("long", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := TidyBookmarkTags(SplitBookmarkTags(s))
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(tags) > MaxBookmarkTags {
			t.Fatalf("%d tags", len(tags))
		}
		seen := map[string]bool{}
		for _, tag := range tags {
			if tag == "" || tag != strings.Join(strings.Fields(tag), " ") || !utf8.ValidString(tag) ||
				utf8.RuneCountInString(tag) > MaxBookmarkTagLen || strings.Contains(tag, ",") {
				t.Fatalf("untidy tag %q", tag)
			}
			if seen[strings.ToLower(tag)] {
				t.Fatalf("repeated tag %q", tag)
			}
			seen[strings.ToLower(tag)] = true
		}
	})
}

func manyTags(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("t" + strings.Repeat("x", i) + ",")
	}
	return b.String()
}

func manyTagsWant(n int) string {
	return strings.ReplaceAll(strings.TrimSuffix(manyTags(n), ","), ",", "|")
}
