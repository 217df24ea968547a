package fanarchive

import "testing"

func TestChooseAuthor(t *testing.T) {
	pseud := Author{ID: 1, Name: "Ink", UserID: 9}
	legacy := Author{ID: 2, Name: "Ink"}
	tests := []struct {
		name        string
		authors     []Author
		legacy      bool
		want, other int64 // IDs; 0 for none
		ok          bool
	}{
		{"pseud and legacy", []Author{pseud, legacy}, false, 1, 2, true},
		{"pseud and legacy, legacy asked", []Author{pseud, legacy}, true, 2, 1, true},
		{"legacy only", []Author{legacy}, false, 2, 0, true},
		{"legacy only, legacy asked", []Author{legacy}, true, 2, 0, true},
		{"pseud only", []Author{pseud}, false, 1, 0, true},
		{"pseud only, legacy asked", []Author{pseud}, true, 0, 0, false},
		{"none", nil, false, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, other, ok := ChooseAuthor(tt.authors, tt.legacy)
			var otherID int64
			if other != nil {
				otherID = other.ID
			}
			if ok != tt.ok || got.ID != tt.want || otherID != tt.other {
				t.Errorf("got %d, other %d, ok %v; want %d, %d, %v", got.ID, otherID, ok, tt.want, tt.other, tt.ok)
			}
		})
	}
}
