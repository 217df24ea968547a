package ingest

import "regexp"

// siteLineRe matches the lines a site prints under every page: copyright
// notices, "hosted by", "last updated", the webmaster's address.
var siteLineRe = regexp.MustCompile(`(?i)©|\(c\)|\bcopyright\b|\ball rights reserved\b|\bhosted by\b|\bpowered by\b|\bsite (?:design|maintained|run|by)\b|\bfan-run site\b|\bwebmaster\b|\blast (?:updated|modified)\b|\bthis (?:site|page|archive) is\b`)

// maxSiteLines is how many site lines at the bottom of a page are cut.
const maxSiteLines = 6

// pageFooter finds the footer of a page's paragraphs as parseFooter does,
// after cutting the site's own lines at the very bottom (short lines with
// a copyright notice and the like), which a text file does not have and
// which would otherwise hide the story's footer above them. What the site
// lines say (an archive, an address) is read into the footer too.
func pageFooter(ps []para, start int) (footer, int) {
	j := len(ps)
	for j > start && len(ps)-j < maxSiteLines && ps[j-1].words() <= 40 && siteLineRe.MatchString(ps[j-1].text()) {
		j--
	}
	if j == len(ps) || j == start {
		return parseFooter(ps, start)
	}
	f, end := parseFooter(ps[:j], start)
	for i := len(ps) - 1; i >= j; i-- {
		f.classify(ps[i])
	}
	return f, end
}
