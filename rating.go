package fanarchive

// Rating is the audience rating of a work on the archive's normalised scale,
// the same scale AO3 uses. The rating as the author wrote it (NC-17, PG-13,
// "R for language"…) is kept in Work.RatingOriginal.
type Rating string

// Ratings, from least to most restricted, then "not rated".
const (
	RatingGeneral  Rating = "General"
	RatingTeen     Rating = "Teen"
	RatingMature   Rating = "Mature"
	RatingExplicit Rating = "Explicit"
	RatingNotRated Rating = "Not Rated"
)

// Ratings lists every valid rating in display order.
var Ratings = []Rating{RatingGeneral, RatingTeen, RatingMature, RatingExplicit, RatingNotRated}

// Valid reports whether r is one of Ratings.
func (r Rating) Valid() bool {
	for _, v := range Ratings {
		if r == v {
			return true
		}
	}
	return false
}
