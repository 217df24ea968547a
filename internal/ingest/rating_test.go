package ingest

import (
	"testing"

	"fanarchive"
)

func TestNormaliseRating(t *testing.T) {
	tests := []struct {
		in   string
		want fanarchive.Rating
		ok   bool
	}{
		{"NC-17", fanarchive.RatingExplicit, true},
		{"nc17", fanarchive.RatingExplicit, true},
		{"X", fanarchive.RatingExplicit, true},
		{"Adult", fanarchive.RatingExplicit, true},
		{"R", fanarchive.RatingMature, true},
		{"r (for language)", fanarchive.RatingMature, true},
		{"PG-13", fanarchive.RatingTeen, true},
		{"PG13 for violence", fanarchive.RatingTeen, true},
		{"PG", fanarchive.RatingGeneral, true},
		{"G", fanarchive.RatingGeneral, true},
		{"General Audiences", fanarchive.RatingGeneral, true},
		{"Teen And Up Audiences", fanarchive.RatingTeen, true},
		{"R/NC-17", fanarchive.RatingExplicit, true},
		{"PG-13 to R", fanarchive.RatingMature, true},
		{"NC-17 overall", fanarchive.RatingExplicit, true},
		{"Rated R.", fanarchive.RatingMature, true},
		{"MA", fanarchive.RatingExplicit, true},
		{"T", fanarchive.RatingTeen, true},
		{"Fiction  T", fanarchive.RatingTeen, true},
		{"Fiction K+", fanarchive.RatingGeneral, true},
		{"Fiction MA", fanarchive.RatingExplicit, true},
		{"Fiction", fanarchive.RatingNotRated, false},
		{"Not Rated", fanarchive.RatingNotRated, true},
		{"purple", fanarchive.RatingNotRated, false},
		{"", fanarchive.RatingNotRated, false},
	}
	for _, tt := range tests {
		got, ok := NormaliseRating(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormaliseRating(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
