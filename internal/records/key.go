package records

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"

	"fanarchive/internal/ingest"
)

// maxTitleKey bounds the title's share of a story key, in bytes.
const maxTitleKey = 400

// storyKey is what a list story is known by (fanarchive.ListStory.Key):
// its title, normalised (case, punctuation and spacing aside), and who
// posted it, so "Lamplight (2/3)" by the same poster joins "Lamplight
// (1/3)" and the same title from someone else is another story. A story
// with no title is one post's own.
func storyKey(title, poster string, raw []byte) string {
	t := titleKey(title)
	if t == "" {
		sum := sha256.Sum256(raw)
		return "untitled:" + hex.EncodeToString(sum[:16]) + "|" + poster
	}
	return t + "|" + poster
}

// titleKey normalises a title for keys: lower case, runs of anything but
// letters and digits as one space, a leading article dropped.
func titleKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
		if b.Len() >= maxTitleKey {
			break
		}
	}
	key := b.String()
	// "The Tide Table" in a header and "Tide Table (2/3)" in a subject
	// name one story.
	for _, article := range []string{"the ", "a ", "an "} {
		if rest, ok := strings.CutPrefix(key, article); ok && rest != "" {
			return rest
		}
	}
	return key
}

// posterKey names who posted p without naming an address: their account,
// else a hash of their From address, else their From name.
func posterKey(p Post) string {
	if p.UserID != 0 {
		return "user:" + strconv.FormatInt(p.UserID, 10)
	}
	from := fromOf(p.Raw)
	if addr := strings.ToLower(strings.TrimSpace(from.Addr)); addr != "" {
		sum := sha256.Sum256([]byte(addr))
		return "addr:" + hex.EncodeToString(sum[:16])
	}
	if name := titleKey(from.Name); name != "" {
		return "name:" + name
	}
	return "unknown"
}

// fromOf is the From of the first post in raw that has headers.
func fromOf(raw []byte) ingest.Address {
	posts, ok, err := ingest.SplitPosts(raw)
	if err != nil || !ok {
		return ingest.Address{}
	}
	for _, p := range posts {
		if p.From.Addr != "" || p.From.Name != "" {
			return p.From
		}
	}
	return ingest.Address{}
}
