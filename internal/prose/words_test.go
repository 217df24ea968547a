package prose

import "testing"

func TestCountWords(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{"   \n\t", 0},
		{"The girl is dead.", 4},
		{"It's a well-known fact.", 4},
		{"Her hair . . . so soft", 4},
		{"-- * * * --", 0},
		{"yes—no", 2},
		{"rock- and roll", 3},
		{"'tis the season", 3},
		{"don’t", 1},
		{"3.14 is pi", 4},
		{"2nd place", 2},
		{"café naïve", 2},
		{"e\u0301cole", 1}, // combining acute accent stays inside the word
		{"Clark/Lex", 2},
		{"word-", 1},
		{"a--b", 2},
		{"日本語", 1},
	}
	for _, tt := range tests {
		if got := CountWords(tt.text); got != tt.want {
			t.Errorf("CountWords(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestFirstLastWords(t *testing.T) {
	text := "The girl is dead.\n\nThat is not   how this is supposed to happen. \"Yes,\" he said."
	if got, want := FirstWords(text, 4), "The girl is dead."; got != want {
		t.Errorf("FirstWords = %q, want %q", got, want)
	}
	if got, want := LastWords(text, 3), `"Yes," he said.`; got != want {
		t.Errorf("LastWords = %q, want %q", got, want)
	}
	if got, want := FirstWords("one two", 12), "one two"; got != want {
		t.Errorf("FirstWords short = %q, want %q", got, want)
	}
	if got, want := LastWords("one two", 12), "one two"; got != want {
		t.Errorf("LastWords short = %q, want %q", got, want)
	}
	if got := FirstWords("anything", 0); got != "" {
		t.Errorf("FirstWords(0) = %q", got)
	}
}
