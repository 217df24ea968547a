package ingest

import (
	"regexp"
	"strings"

	"fanarchive"
)

// ratingTokens maps the rating words and codes used by mailing lists, old
// archives, the MPAA and fanfiction.net onto the archive's scale, following
// AO3's own correspondence (G and PG are General, PG-13 is Teen, R is Mature,
// NC-17 is Explicit).
var ratingTokens = map[string]fanarchive.Rating{
	"g": fanarchive.RatingGeneral, "general": fanarchive.RatingGeneral, "gen": fanarchive.RatingGeneral,
	"pg": fanarchive.RatingGeneral, "k": fanarchive.RatingGeneral, "k+": fanarchive.RatingGeneral,
	"all ages": fanarchive.RatingGeneral, "everyone": fanarchive.RatingGeneral, "u": fanarchive.RatingGeneral,
	"general audiences": fanarchive.RatingGeneral, "g-rated": fanarchive.RatingGeneral,
	"pg-13": fanarchive.RatingTeen, "pg13": fanarchive.RatingTeen, "pg-15": fanarchive.RatingTeen, "pg15": fanarchive.RatingTeen,
	"teen": fanarchive.RatingTeen, "teens": fanarchive.RatingTeen, "t": fanarchive.RatingTeen, "teen and up": fanarchive.RatingTeen,
	"teen and up audiences": fanarchive.RatingTeen, "12": fanarchive.RatingTeen, "12a": fanarchive.RatingTeen,
	"15": fanarchive.RatingTeen, "pg-14": fanarchive.RatingTeen, "pg14": fanarchive.RatingTeen,
	"r": fanarchive.RatingMature, "mature": fanarchive.RatingMature, "m": fanarchive.RatingMature, "r-15": fanarchive.RatingMature,
	"r15": fanarchive.RatingMature, "r-16": fanarchive.RatingMature, "16": fanarchive.RatingMature, "r-rated": fanarchive.RatingMature,
	"adult": fanarchive.RatingExplicit, "nc-17": fanarchive.RatingExplicit, "nc17": fanarchive.RatingExplicit,
	"nc 17": fanarchive.RatingExplicit, "x": fanarchive.RatingExplicit, "xx": fanarchive.RatingExplicit, "xxx": fanarchive.RatingExplicit,
	"explicit": fanarchive.RatingExplicit, "ma": fanarchive.RatingExplicit, "18": fanarchive.RatingExplicit,
	"r18": fanarchive.RatingExplicit, "r-18": fanarchive.RatingExplicit, "18+": fanarchive.RatingExplicit, "nc-18": fanarchive.RatingExplicit,
	"nc18": fanarchive.RatingExplicit, "adults only": fanarchive.RatingExplicit, "x-rated": fanarchive.RatingExplicit,
	"not rated": fanarchive.RatingNotRated, "unrated": fanarchive.RatingNotRated, "nr": fanarchive.RatingNotRated,
	"none": fanarchive.RatingNotRated, "n/a": fanarchive.RatingNotRated,
}

var ratingSplit = regexp.MustCompile(`(?i)\s*(?:/|\||,|;|\bto\b|\bor\b|–|—|\s-\s|\(|\)|\bfor\b|\boverall\b|\bthis part\b|\bthis chapter\b|\bthis section\b)\s*`)

// NormaliseRating reads a rating as an author wrote it ("NC-17", "PG-13 for
// language", "R/NC-17", "rated r") and returns it on the archive's scale,
// with ok false when nothing in it is a known rating (the result is then
// RatingNotRated). When several ratings are named, the most restricted wins:
// a reader must be warned about the strongest content.
func NormaliseRating(original string) (r fanarchive.Rating, ok bool) {
	s := strings.ToLower(strings.TrimSpace(original))
	s = strings.Trim(s, ".!*\"'[]{} ")
	s = strings.TrimPrefix(s, "rated ")
	// FanFiction.Net writes fictionratings.com's names: "Fiction T".
	if rest, ok := strings.CutPrefix(s, "fiction "); ok {
		s = strings.TrimSpace(rest)
	}
	if v, found := ratingTokens[s]; found {
		return v, true
	}
	best, found := fanarchive.RatingNotRated, false
	for _, part := range ratingSplit.Split(s, -1) {
		part = strings.Trim(part, ".!*\"'[]{}: ")
		part = strings.TrimPrefix(part, "rated ")
		if part == "" {
			continue
		}
		v, known := ratingTokens[part]
		if !known {
			// "PG-13 language" → try the first word.
			if f := strings.Fields(part); len(f) > 0 {
				v, known = ratingTokens[f[0]]
			}
		}
		if known && (!found || ratingRank(v) > ratingRank(best)) {
			best, found = v, true
		}
	}
	return best, found
}

// ratingRank orders ratings by restriction; Not Rated ranks lowest so that
// any real rating named beside it wins.
func ratingRank(r fanarchive.Rating) int {
	switch r {
	case fanarchive.RatingGeneral:
		return 1
	case fanarchive.RatingTeen:
		return 2
	case fanarchive.RatingMature:
		return 3
	case fanarchive.RatingExplicit:
		return 4
	}
	return 0
}
