package fanarchive

// DateSource says where a work's Published date came from, so pages can
// say how far to trust it: a legacy file's own date is often all there is,
// and the day it was imported is no date of the story at all.
type DateSource string

// Sources of a Published date.
const (
	// DateGiven is a date the archive knows: the day a work was posted
	// here, or one an exact source gave (an AO3 page's "Published:").
	DateGiven DateSource = ""
	// DateHeader is the Date: header of the news or mail post.
	DateHeader DateSource = "header"
	// DateText is a whole date written in the story's header ("Date: 12
	// Mar 1995").
	DateText DateSource = "text"
	// DateYear is only a year written in the text ("(c) 1996"): Published
	// is the first of January of it.
	DateYear DateSource = "year"
	// DateFile is the file's modification time, a last resort.
	DateFile DateSource = "file"
	// DateUnknown means nothing gave a date: Published and Updated are
	// zero, and listings put the work after the dated ones.
	DateUnknown DateSource = "unknown"
)

// Valid reports whether d is a known source.
func (d DateSource) Valid() bool {
	switch d {
	case DateGiven, DateHeader, DateText, DateYear, DateFile, DateUnknown:
		return true
	}
	return false
}
