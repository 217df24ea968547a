package ingest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"fanarchive"
)

// sitesJSON describes the story pages of known hosting sites and the rules
// for unknown blogs (see docs/importer.md, "Site layouts").
//
//go:embed sites.json
var sitesJSON []byte

// siteRulesData is sitesJSON compiled; a broken sites.json fails every
// test of the package.
var siteRulesData = mustSiteRules(sitesJSON)

// Confidences of what a site layout reads.
const (
	// confSiteTitle is a known site's own title element: only a labelled
	// Title field in the text is trusted more.
	confSiteTitle = 0.95
	// confSiteAuthor is a known site's poster or author element: an
	// account's name, so a byline in the text (confByline) stands.
	confSiteAuthor = 0.9
	// confEntry is a blog entry's marked-up title or author (hentry,
	// rel=author, .byline) on a page of no known site.
	confEntry = 0.85
)

const (
	// minEntryWords is the least text an entry or what chrome leaves of a
	// page must have for the narrowing or dropping to be done: below it a
	// selector has found a stub, and the page is read whole.
	minEntryWords = 10
	// maxChromeTextWords is the longest element that chrome_text rules
	// look at: a mood line or a stats line, not a paragraph of story.
	maxChromeTextWords = 12
	maxChromeTextBytes = 200
)

// layoutSpec is one site of sites.json as written. Every selector list is
// tried in order; the first entry with a match wins. Each entry is a CSS
// selector group, so "a, b" matches either.
type layoutSpec struct {
	Name       string   `json:"name"`
	Like       string   `json:"like"`       // a layout whose lists this one inherits when it leaves them empty
	Archive    string   `json:"archive"`    // the archive's name for the source, when the detection is certain
	SiteNames  []string `json:"site_names"` // decorations of the site's <title>s: "Wattpad", "FanFiction"
	Detect     []string `json:"detect"`     // every one must match somewhere in the page
	Body       []string `json:"body"`       // the story's container(s): all matches of the first that matches are kept
	Title      []string `json:"title"`
	Chapter    []string `json:"chapter_title"` // a chapter page's heading: the chapter's title, out of its text
	Author     []string `json:"author"`
	AuthorAttr []string `json:"author_attr"` // attributes holding the author's account name, before the text
	AuthorAll  bool     `json:"author_all"`  // every match of the author selector is an author (co-authors)
	Rating     []string `json:"rating"`
	Fandom     []string `json:"fandom"` // every match is a fandom
	Summary    []string `json:"summary"`
	Notes      []string `json:"notes"` // elements kept as notes (a description, "Written for…")
	Cut        []string `json:"cut"`   // the end of the entry's preface: the text before it is notes
	Drop       []string `json:"drop"`  // chrome inside or around the body
}

// genericSpec is the fallback of sites.json for pages of no known site.
type genericSpec struct {
	Entry        []string `json:"entry"` // narrowed to only when exactly one element matches
	Title        []string `json:"title"`
	Author       []string `json:"author"`
	SiteName     []string `json:"site_name"` // the blog's own name, a decoration of its <title>
	Cut          []string `json:"cut"`
	CommentNames []string `json:"comment_names"` // class or id tokens of comment sections: dropped, never read
	ChromeNames  []string `json:"chrome_names"`  // class or id tokens of other chrome: dropped
	ChromeText   []string `json:"chrome_text"`   // patterns of short elements' text that are chrome
}

type sitesFile struct {
	Sites   []layoutSpec `json:"sites"`
	Generic genericSpec  `json:"generic"`
}

// selectors is a list of selector groups, tried in order.
type selectors []cascadia.SelectorGroup

// siteLayout is a compiled layoutSpec.
type siteLayout struct {
	name, archive                                                             string
	siteNames, authorAttr                                                     []string
	authorAll                                                                 bool
	detect, body, title, chapter, author, rating, fandom, summary, notes, cut selectors
	drop                                                                      selectors
}

// siteRules are the compiled contents of sites.json.
type siteRules struct {
	sites        []*siteLayout
	entry        selectors
	title        selectors
	author       selectors
	siteName     selectors
	cut          selectors
	commentNames map[string]bool
	chromeNames  map[string]bool
	chromeText   []*regexp.Regexp
}

func mustSiteRules(data []byte) *siteRules {
	r, err := loadSiteRules(data)
	if err != nil {
		panic(err)
	}
	return r
}

// loadSiteRules compiles a sites.json.
func loadSiteRules(data []byte) (*siteRules, error) {
	var f sitesFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("reading site layouts: %w", err)
	}
	specs := map[string]layoutSpec{}
	for _, s := range f.Sites {
		if s.Name == "" {
			return nil, fmt.Errorf("a site layout has no name")
		}
		if _, dup := specs[s.Name]; dup {
			return nil, fmt.Errorf("site layout %q is described twice", s.Name)
		}
		specs[s.Name] = s
	}
	r := &siteRules{}
	for _, s := range f.Sites {
		if s.Like != "" {
			base, ok := specs[s.Like]
			if !ok || base.Like != "" {
				return nil, fmt.Errorf("site layout %q: %q is not a layout it can be like", s.Name, s.Like)
			}
			s = inherit(s, base)
		}
		if len(s.Detect) == 0 {
			return nil, fmt.Errorf("site layout %q: no detect selectors", s.Name)
		}
		l := &siteLayout{name: s.Name, archive: s.Archive, siteNames: s.SiteNames, authorAttr: s.AuthorAttr, authorAll: s.AuthorAll}
		for _, c := range []struct {
			dst  *selectors
			list []string
		}{
			{&l.detect, s.Detect}, {&l.body, s.Body}, {&l.title, s.Title}, {&l.chapter, s.Chapter}, {&l.author, s.Author},
			{&l.rating, s.Rating}, {&l.fandom, s.Fandom}, {&l.summary, s.Summary}, {&l.notes, s.Notes}, {&l.cut, s.Cut}, {&l.drop, s.Drop},
		} {
			sel, err := compileSelectors(c.list)
			if err != nil {
				return nil, fmt.Errorf("site layout %q: %w", s.Name, err)
			}
			*c.dst = sel
		}
		r.sites = append(r.sites, l)
	}
	g := f.Generic
	for _, c := range []struct {
		dst  *selectors
		list []string
	}{
		{&r.entry, g.Entry}, {&r.title, g.Title}, {&r.author, g.Author}, {&r.siteName, g.SiteName}, {&r.cut, g.Cut},
	} {
		sel, err := compileSelectors(c.list)
		if err != nil {
			return nil, fmt.Errorf("generic layout: %w", err)
		}
		*c.dst = sel
	}
	r.commentNames, r.chromeNames = tokenSet(g.CommentNames), tokenSet(g.ChromeNames)
	for _, p := range g.ChromeText {
		re, err := regexp.Compile("(?i)" + p)
		if err != nil {
			return nil, fmt.Errorf("generic layout: chrome_text %q: %w", p, err)
		}
		r.chromeText = append(r.chromeText, re)
	}
	return r, nil
}

// inherit fills the lists s leaves empty from base. Detect, name and
// archive are s's own.
func inherit(s, base layoutSpec) layoutSpec {
	fill := func(dst *[]string, src []string) {
		if len(*dst) == 0 {
			*dst = src
		}
	}
	fill(&s.SiteNames, base.SiteNames)
	fill(&s.Body, base.Body)
	fill(&s.Title, base.Title)
	fill(&s.Chapter, base.Chapter)
	fill(&s.Author, base.Author)
	fill(&s.AuthorAttr, base.AuthorAttr)
	fill(&s.Rating, base.Rating)
	fill(&s.Fandom, base.Fandom)
	fill(&s.Summary, base.Summary)
	fill(&s.Notes, base.Notes)
	fill(&s.Cut, base.Cut)
	fill(&s.Drop, base.Drop)
	return s
}

func compileSelectors(list []string) (selectors, error) {
	out := make(selectors, 0, len(list))
	for _, s := range list {
		g, err := cascadia.ParseGroup(s)
		if err != nil {
			return nil, fmt.Errorf("selector %q: %w", s, err)
		}
		out = append(out, g)
	}
	return out, nil
}

func tokenSet(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[strings.ToLower(n)] = true
	}
	return m
}

// siteFront is what a site layout, or the generic rules, read from a page
// outside the text rules: fields with their evidence, and the entry's cut.
type siteFront struct {
	via     string // "site:livejournal", or "html:entry" for the generic rules
	archive string

	title, titleVia, titleDetail string
	titleConf                    float64

	authors                 []string
	authorVia, authorDetail string
	authorConf              float64

	rating, summary string
	chapter         string // the title of the page's one chapter
	fandoms         []string
	notes           []fanarchive.Note

	// cut is the node that ends the entry's preface (an LJ cut anchor), if
	// it is inside the body.
	cut *html.Node
}

// readSite applies the site layouts to a page that is not an AO3 download:
// it detects the site (the first layout all of whose detect selectors
// match) or falls back to the generic rules, reads the fields, narrows
// pg.body to the entry and removes the chrome from it. The tree is changed
// in place; the page's bytes are kept by the source, so nothing dropped is
// lost. It returns nil when nothing was found.
func readSite(doc *html.Node, pg *pageInfo) *siteFront {
	r := siteRulesData
	lay := r.detect(doc)
	sf := &siteFront{via: "html:entry"}
	if lay != nil {
		sf.via = "site:" + lay.name
		sf.archive = lay.archive
	}
	sites := pageSiteNames(doc, r)
	if lay != nil {
		sites = append(sites, lay.siteNames...)
		sf.readLayoutFields(doc, lay, r, sites)
	}
	sf.readGenericFields(doc, r, pg.title, sites)

	// A chapter page's one chapter heading titles its chapter.
	var chapter *html.Node
	if lay != nil {
		if ns := r.matchAll(doc, lay.chapter); len(ns) == 1 {
			chapter = ns[0]
			sf.chapter = chapterName(nodeValue(chapter))
		}
	}

	// The entry: the layout's body, else a single marked-up blog entry.
	var keep []*html.Node
	if lay != nil {
		keep = r.matchAll(pg.body, lay.body)
	}
	if len(keep) == 0 {
		if ns := r.matchAll(pg.body, r.entry); len(ns) == 1 {
			keep = ns
		}
	}
	if len(keep) > 0 && wordsIn(keep) >= minEntryWords {
		reparent(pg.body, keep)
	}
	if chapter != nil && chapter != pg.body && inside(chapter, pg.body) {
		chapter.Parent.RemoveChild(chapter)
	}

	var cut selectors
	if lay != nil {
		cut = lay.cut
	}
	cut = append(append(selectors(nil), cut...), r.cut...)
	if sf.cut = r.first(pg.body, cut); sf.cut == pg.body {
		sf.cut = nil
	}
	var drop selectors
	if lay != nil {
		drop = lay.drop
	}
	r.dropChrome(pg.body, drop)
	if sf.cut != nil && !inside(sf.cut, pg.body) {
		sf.cut = nil
	}
	if sf.title == "" && len(sf.authors) == 0 && sf.rating == "" && sf.summary == "" && len(sf.fandoms) == 0 && sf.chapter == "" &&
		len(sf.notes) == 0 && sf.archive == "" && sf.cut == nil {
		return nil
	}
	return sf
}

// detect returns the first layout whose detect selectors all match, or nil.
func (r *siteRules) detect(doc *html.Node) *siteLayout {
	for _, l := range r.sites {
		ok := true
		for _, g := range l.detect {
			if cascadia.Query(doc, g) == nil {
				ok = false
				break
			}
		}
		if ok {
			return l
		}
	}
	return nil
}

// readLayoutFields reads a known site's title, author, rating, summary and
// notes.
func (sf *siteFront) readLayoutFields(doc *html.Node, lay *siteLayout, r *siteRules, sites []string) {
	// The poster is named outside the entry: a user named in the text is
	// a beta, a friend or a recipient.
	body := r.matchAll(doc, lay.body)
	if n := r.firstOutside(doc, lay.author, body); n != nil {
		nodes := []*html.Node{n}
		if lay.authorAll {
			nodes = r.matchAll(doc, lay.author)
		}
		var raws []string
		for _, n := range nodes {
			raw := ""
			for _, a := range lay.authorAttr {
				if raw = strings.TrimSpace(attr(n, a)); raw != "" {
					break
				}
			}
			if raw == "" {
				raw = nodeValue(n)
			}
			if raw != "" {
				raws = append(raws, raw)
			}
		}
		sf.setAuthors(strings.Join(raws, ", "), confSiteAuthor, sf.via)
	}
	if n := r.first(doc, lay.title); n != nil {
		raw := nodeValue(n)
		if t := cleanSiteTitle(raw, sites, sf.authors, isPageTitle(n)); t != "" {
			conf := confSiteTitle
			if isPageTitle(n) {
				// The <title> or og:title: the site's decorations are
				// known, the rest of it may not be.
				conf = confGuess
				if t != raw {
					conf = confEntry
				}
			}
			sf.title, sf.titleVia, sf.titleDetail, sf.titleConf = t, sf.via, raw, conf
		}
	}
	for _, n := range r.matchAll(doc, lay.fandom) {
		sf.fandoms = append(sf.fandoms, fandomNames(nodeValue(n))...)
	}
	if n := r.first(doc, lay.rating); n != nil {
		if v := ratingValue(nodeValue(n)); v != "" {
			if _, ok := NormaliseRating(v); ok {
				sf.rating = v
			}
		}
	}
	if n := r.first(doc, lay.summary); n != nil {
		sf.summary = nodeValue(n)
	}
	// Every notes selector counts: a work's notes, then each chapter's.
	seen := map[*html.Node]bool{}
	for _, g := range lay.notes {
		for _, n := range r.matchAll(doc, selectors{g}) {
			if seen[n] {
				continue
			}
			seen[n] = true
			if t := nodesText([]*html.Node{n}); t != "" {
				sf.notes = append(sf.notes, fanarchive.Note{Label: "Notes", Text: t})
			}
		}
	}
}

// readGenericFields reads what the layout did not: a blog entry's title
// and author, or the <title> without the site's name.
func (sf *siteFront) readGenericFields(doc *html.Node, r *siteRules, pageTitle string, sites []string) {
	if len(sf.authors) == 0 {
		if ns := r.matchAll(doc, r.author); len(ns) > 0 {
			sf.setAuthors(bylineValue(nodeValue(ns[0])), confEntry, "html:entry-author")
			if len(sf.authors) > 0 {
				sf.authorDetail = nodeValue(ns[0])
			}
		}
	}
	if sf.title != "" {
		return
	}
	agrees := func(t string) bool {
		for _, p := range titleParts(pageTitle) {
			if sameTitle(t, p) {
				return true
			}
		}
		return false
	}
	// Exactly one entry title: a page of several entries is an index.
	if ns := r.matchAll(doc, r.title); len(ns) == 1 {
		raw := nodeValue(ns[0])
		if t := cleanSiteTitle(raw, sites, nil, false); t != "" {
			sf.title, sf.titleVia, sf.titleDetail, sf.titleConf = t, "html:entry-title", raw, confEntry
			if agrees(t) {
				sf.titleConf = confAgreed
			}
			return
		}
	}
	// The <title> less the site's own name, when the page names its site.
	if pageTitle != "" && len(sites) > 0 {
		if t := cleanSiteTitle(pageTitle, sites, sf.authors, true); t != "" && t != collapse(pageTitle) {
			sf.title, sf.titleVia, sf.titleDetail, sf.titleConf = t, "html:title-less-site", pageTitle, confDefault
		}
	}
}

// setAuthors reads names from a layout's author text.
func (sf *siteFront) setAuthors(raw string, conf float64, via string) {
	if names, _ := authorNames(raw); len(names) > 0 {
		sf.authors, sf.authorVia, sf.authorDetail, sf.authorConf = names, via, raw, conf
	}
}

// applySiteFront fills the work from what the site layout read, field by
// field, wherever the page's text said nothing as sure: a labelled Title or
// Author field beats the site's elements; the site's elements beat the
// page's headings and <title>.
func applySiteFront(w *fanarchive.Work, sf *siteFront) {
	if sf == nil {
		return
	}
	if sf.title != "" && (w.Title == "" || w.Evidence[fanarchive.FieldTitle].Confidence < sf.titleConf) {
		w.Title = sf.title
		w.Evidence[fanarchive.FieldTitle] = fanarchive.Evidence{Confidence: sf.titleConf, Via: sf.titleVia, Detail: sf.titleDetail}
	}
	if len(sf.authors) > 0 && (len(w.Authors) == 0 || w.Evidence[fanarchive.FieldAuthors].Confidence < sf.authorConf) {
		w.Authors = authorsOf(sf.authors)
		w.Evidence[fanarchive.FieldAuthors] = fanarchive.Evidence{Confidence: sf.authorConf, Via: sf.authorVia, Detail: sf.authorDetail}
	}
	if sf.rating != "" && w.Evidence[fanarchive.FieldRating].Via == "" {
		setRating(w, sf.rating, sf.via)
	}
	if sf.summary != "" && w.Summary == "" {
		w.Summary = sf.summary
		w.Evidence[fanarchive.FieldSummary] = fanarchive.Evidence{Confidence: confSiteTitle, Via: sf.via}
	}
	if len(sf.fandoms) > 0 && len(w.TagsOf(fanarchive.TagFandom)) == 0 {
		for _, f := range sf.fandoms {
			w.Tags = appendTag(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFandom, Name: f})
		}
		w.Evidence[fanarchive.FieldFandoms] = fanarchive.Evidence{Confidence: confSiteAuthor, Via: sf.via, Detail: strings.Join(sf.fandoms, ", ")}
	}
	w.Notes = append(w.Notes, sf.notes...)
	if src := w.Sources[0]; sf.archive != "" && src.Archive == "" {
		src.Archive = sf.archive
		w.Evidence[fanarchive.FieldArchive] = fanarchive.Evidence{Confidence: confDefault, Via: sf.via}
	}
}

// pageSiteNames returns the names a page gives its site: <meta
// property="og:site_name">, <meta name="application-name"> and the
// generic rules' site-name elements.
func pageSiteNames(doc *html.Node, r *siteRules) []string {
	var names []string
	add := func(s string) {
		if s = collapse(s); s != "" && len(s) <= 80 {
			names = append(names, s)
		}
	}
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Meta {
			if p := strings.ToLower(attr(n, "property")); p == "og:site_name" {
				add(attr(n, "content"))
			}
			if strings.EqualFold(attr(n, "name"), "application-name") {
				add(attr(n, "content"))
			}
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Body {
			return // the <head> holds the meta tags
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	if n := r.first(doc, r.siteName); n != nil {
		add(textContent(n))
	}
	return names
}

// firstOutside is first, leaving out elements inside any of exclude.
func (r *siteRules) firstOutside(root *html.Node, list selectors, exclude []*html.Node) *html.Node {
	for _, g := range list {
		for _, n := range cascadia.QueryAll(root, g) {
			if r.inComments(n, root) {
				continue
			}
			in := false
			for _, x := range exclude {
				if inside(n, x) {
					in = true
					break
				}
			}
			if !in {
				return n
			}
		}
	}
	return nil
}

// chapterNumber is the number before a chapter's title in a site's
// chapter menu: "1. The Empty Quarter".
var chapterNumber = regexp.MustCompile(`^\d{1,4}\.\s+`)

// chapterName returns a chapter's own title from its heading: "January"
// from "Chapter 1: January", nothing from "Chapter 1".
func chapterName(s string) string {
	s = chapterNumber.ReplaceAllString(collapse(s), "")
	if m := headingRe.FindStringSubmatch(s); m != nil {
		return strings.TrimSpace(m[3])
	}
	return s
}

// fandomNames reads a site's fandom element: "Harry Potter", or the two of
// FanFiction.Net's "Harry Potter + Twilight Crossover".
func fandomNames(s string) []string {
	s = collapse(s)
	if rest, ok := strings.CutSuffix(s, " Crossover"); ok && strings.Contains(rest, " + ") {
		s = rest
	}
	var out []string
	for _, f := range strings.Split(s, " + ") {
		if f = strings.TrimSpace(f); f != "" && len(f) <= 200 {
			out = append(out, f)
		}
	}
	return out
}

// first returns the first element (in document order) matched by the
// first selector group of list that matches anything under root outside
// comment sections.
func (r *siteRules) first(root *html.Node, list selectors) *html.Node {
	if ns := r.matchAll(root, list); len(ns) > 0 {
		return ns[0]
	}
	return nil
}

// matchAll returns the outermost elements matched by the first group of
// list with a match outside comment sections, in document order.
func (r *siteRules) matchAll(root *html.Node, list selectors) []*html.Node {
	for _, g := range list {
		var out []*html.Node
		for _, n := range cascadia.QueryAll(root, g) {
			if !r.inComments(n, root) && (len(out) == 0 || !inside(n, out[len(out)-1])) {
				out = append(out, n)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// inComments reports whether n is in a comment section below root.
func (r *siteRules) inComments(n, root *html.Node) bool {
	for p := n; p != nil && p != root; p = p.Parent {
		if p.Type == html.ElementNode && hasToken(p, r.commentNames) {
			return true
		}
	}
	return false
}

// hasToken reports whether one of n's class or id tokens is in names.
func hasToken(n *html.Node, names map[string]bool) bool {
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" {
			continue
		}
		for _, t := range strings.Fields(a.Val) {
			if names[strings.ToLower(t)] {
				return true
			}
		}
	}
	return false
}

// inside reports whether n is anc or below it.
func inside(n, anc *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == anc {
			return true
		}
	}
	return false
}

// reparent makes keep, in document order, the only children of body.
func reparent(body *html.Node, keep []*html.Node) {
	var own []*html.Node
	for _, k := range keep {
		if k != body && inside(k, body) {
			own = append(own, k)
		}
	}
	if len(own) == 0 {
		return
	}
	for _, k := range own {
		k.Parent.RemoveChild(k)
	}
	for c := body.FirstChild; c != nil; c = body.FirstChild {
		body.RemoveChild(c)
	}
	for _, k := range own {
		body.AppendChild(k)
	}
}

// dropChrome removes from body the layout's drop selectors' elements and
// the generic chrome: comment sections, profile boxes, widgets, entry
// meta, share bars (by class or id) and short mood or stats lines (by
// text). Nothing is removed when it would leave the page without text.
func (r *siteRules) dropChrome(body *html.Node, drop selectors) {
	// A group is removed together; guessed groups (chrome by a generic
	// class name or text) are kept when they hold most of the page.
	type group struct {
		nodes   []*html.Node
		guessed bool
	}
	var groups []group
	marked := map[*html.Node]bool{}
	mark := func(n *html.Node, guessed bool) {
		if n != body && !marked[n] {
			marked[n] = true
			groups = append(groups, group{[]*html.Node{n}, guessed})
		}
	}
	for _, g := range drop {
		for _, n := range cascadia.QueryAll(body, g) {
			mark(n, false)
		}
	}
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if hasToken(c, r.commentNames) {
				mark(c, false)
				continue
			}
			if hasToken(c, r.chromeNames) {
				mark(c, true)
				continue
			}
			visit(c)
		}
	}
	visit(body)
	r.markChromeText(body, func(n *html.Node) {
		if marked[n] {
			return
		}
		marked[n] = true
		g := []*html.Node{n}
		if !blockElements[n.DataAtom] {
			// An inline label ("<b>Current Mood:</b> calm") takes the rest
			// of its line with it.
			for s := n.NextSibling; s != nil && s.DataAtom != atom.Br && !(s.Type == html.ElementNode && blockElements[s.DataAtom]); s = s.NextSibling {
				g = append(g, s)
			}
		}
		groups = append(groups, group{g, true})
	})
	if len(groups) == 0 {
		return
	}
	// Only the outermost: a node inside another dropped one goes with it.
	total := wordsIn([]*html.Node{body})
	var out [][]*html.Node
	dropped := 0
	for _, g := range groups {
		nested := false
		for p := g.nodes[0].Parent; p != nil && p != body; p = p.Parent {
			if marked[p] {
				nested = true
				break
			}
		}
		if nested {
			continue
		}
		n := wordsIn(g.nodes)
		if g.guessed && n*2 > total {
			continue
		}
		out = append(out, g.nodes)
		dropped += n
	}
	if rest := total - dropped; rest <= 0 || rest < min(minEntryWords, total) {
		return
	}
	for _, g := range out {
		for _, n := range g {
			if n.Parent != nil {
				n.Parent.RemoveChild(n)
			}
		}
	}
}

// markChromeText calls found for the outermost elements under body whose
// whole text is short and matches a chrome_text rule.
func (r *siteRules) markChromeText(body *html.Node, found func(*html.Node)) {
	if len(r.chromeText) == 0 {
		return
	}
	// Each node's text, when it has at most maxChromeTextWords words,
	// computed once from the leaves up.
	short := map[*html.Node]string{}
	var measure func(*html.Node) (string, bool)
	measure = func(n *html.Node) (string, bool) {
		switch n.Type {
		case html.TextNode:
			return n.Data, len(n.Data) <= maxChromeTextBytes && len(strings.Fields(n.Data)) <= maxChromeTextWords
		case html.ElementNode:
		default:
			return "", true
		}
		var b strings.Builder
		ok := true
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			t, cok := measure(c)
			if ok = ok && cok; ok {
				b.WriteString(t)
				b.WriteByte(' ')
				ok = b.Len() <= maxChromeTextBytes && len(strings.Fields(b.String())) <= maxChromeTextWords
			}
		}
		if !ok {
			return "", false
		}
		short[n] = b.String()
		return b.String(), true
	}
	measure(body)
	if t, ok := short[body]; ok && r.isChromeText(t) {
		return // a page whose whole text is one such line is left alone
	}
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			// A block of several lines is looked into: its mood line goes,
			// the lines after it stay.
			if t, ok := short[c]; ok && r.isChromeText(t) && (!blockElements[c.DataAtom] || findElement(c, func(n *html.Node) bool { return n.DataAtom == atom.Br }) == nil) {
				found(c)
				continue
			}
			visit(c)
		}
	}
	visit(body)
}

// isChromeText reports whether an element's text is a chrome line.
func (r *siteRules) isChromeText(t string) bool {
	t = collapse(t)
	if t == "" {
		return false
	}
	for _, re := range r.chromeText {
		if re.MatchString(t) {
			return true
		}
	}
	return false
}

// wordsIn counts the words of nodes' text.
func wordsIn(nodes []*html.Node) int {
	n := 0
	for _, x := range nodes {
		n += len(strings.Fields(textContent(x)))
	}
	return n
}

// nodeValue is the text an element gives a field: a <meta>'s content,
// else its text.
func nodeValue(n *html.Node) string {
	if n.DataAtom == atom.Meta {
		return collapse(attr(n, "content"))
	}
	return collapse(textContent(n))
}

// isPageTitle reports whether a title was read from the page's <title> or
// a <meta>, which carry the site's decorations ("… - Chapter 1 - Wattpad").
func isPageTitle(n *html.Node) bool {
	return n.DataAtom == atom.Title || n.DataAtom == atom.Meta
}

var (
	// ratingLabel is the label before a rating: "Rated: ", "Rating:".
	ratingLabel = regexp.MustCompile(`(?i)^\s*(?:rated|rating)\s*:?\s*`)
	// bylinePrefix is the words before a name in a blog's byline.
	bylinePrefix = regexp.MustCompile(`(?i)^\W*(?:(?:posted|written|published|story)\s+)?by\b\W*`)
	// bylineTail is what follows a name in a byline: a date or a category.
	bylineTail = regexp.MustCompile(`(?i)\s+(?:on|at|in)\s+\S.*$|\s*[|·•].*$`)
)

// ratingValue returns the rating in a site's rating element: "T" of
// "Rated: Fiction T - English - Adventure".
func ratingValue(s string) string {
	s = ratingLabel.ReplaceAllString(collapse(s), "")
	r, _ := storyInfo(s)
	return strings.TrimSpace(r)
}

// bylineValue returns the names of a blog's byline: "Jonah Vale" of
// "Posted by Jonah Vale on July 9, 2011".
func bylineValue(s string) string {
	s = bylinePrefix.ReplaceAllString(collapse(s), "")
	return strings.TrimSpace(bylineTail.ReplaceAllString(s, ""))
}

var (
	// titleTags are bracketed labels before a journal entry's title:
	// "[FIC]", "[Fic: Smallville, PG]", "(ficlet)".
	titleTags = regexp.MustCompile(`(?i)^(?:\s*(?:\[[^\[\]]{1,40}\]|\((?:fic|ficlet|drabble|fanfic|fanfiction|one-?shot)\)))+\s*`)
	// titleLabelPrefix is a label word before a title: "FIC: Title".
	titleLabelPrefix = regexp.MustCompile(`(?i)^\s*(?:new\s+)?(?:fic|ficlet|drabble|fanfic|fan\s?fiction|story|one-?shot)\s*(?::|\s[-–—])\s+`)
	// siteJoin, userJoin and userByJoin are what may set a site's or a
	// user's name off the end of a title: a separator, "on" or "at" a
	// site, "by" a user. titleSepStart sets one off the start.
	siteJoin      = regexp.MustCompile(`(?i)(?:\s+(?:::|:|\||-|–|—|»|«|<|>|·|•|~|/|on|at)|\s*(?:::|\||:))\s*$`)
	userJoin      = regexp.MustCompile(`(?i)(?:\s+(?:::|:|\||-|–|—|»|«|<|>|·|•|~|/)|\s*(?:::|\||:))\s*$`)
	userByJoin    = regexp.MustCompile(`(?i)(?:\s+(?:::|:|\||-|–|—|»|«|<|>|·|•|~|/|by)|\s*(?:::|\||:))\s*$`)
	titleSepStart = regexp.MustCompile(`^\s*(?:::|:|\||-|–|—|»|«|<|>|·|•|~|/)\s*`)
	// titleChapterTail is a chapter part at the end of a page's <title>:
	// "- Chapter One", "Chapter 1: The Empty Quarter".
	titleChapterTail = regexp.MustCompile(`(?i)(?:\s+[-–—:|]\s+|\s+)(?:chapter|ch\.|part)\s+(?:\d+|[ivxlc]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b(?:\s*[:.\-–—]\s*[^-–—|]*)?$`)
	// titleFandomTail is FanFiction.Net's description in its <title>:
	// ", a harry potter fanfic".
	titleFandomTail = regexp.MustCompile(`(?i),\s+an?\s+[^,]{1,80}?\s+(?:fan\s?fic(?:tion)?|fic|crossover)$`)
)

// cleanSiteTitle removes a site's decorations from a title: journal labels
// ("[FIC]", "Fic: "), the site's name at either end ("Site | …", "… on
// DeviantArt") and, from a page's <title> or <meta> (page), the poster's
// name ("wrenwhistler: …", "… by user"), the chapter part and a fandom
// description ("… - Chapter One - Wattpad", "… Chapter 1: …, a harry
// potter fanfic"). It returns "" when nothing is left.
func cleanSiteTitle(s string, sites, users []string, page bool) string {
	s = collapse(s)
	siteOff := false
	for range 6 {
		before := s
		for _, d := range sites {
			if t := trimDecoration(s, d, siteJoin); t != s {
				s, siteOff = t, true
			}
		}
		if page {
			// "Title by user" only where the site's name came off too
			// ("… by user on DeviantArt"): "Baptism by Fire" stays.
			join := userJoin
			if siteOff {
				join = userByJoin
			}
			for _, d := range users {
				s = trimDecoration(s, d, join)
			}
			if t := strings.TrimSpace(titleFandomTail.ReplaceAllString(s, "")); t != "" {
				s = t
			}
			if t := strings.TrimSpace(titleChapterTail.ReplaceAllString(s, "")); t != "" {
				s = t
			}
		}
		if loc := titleTags.FindStringIndex(s); loc != nil && loc[1] < len(s) {
			s = s[loc[1]:]
		}
		if loc := titleLabelPrefix.FindStringIndex(s); loc != nil && loc[1] < len(s) {
			s = s[loc[1]:]
		}
		s = strings.TrimSpace(s)
		if s == before {
			break
		}
	}
	return strings.TrimSpace(s)
}

// trimDecoration removes d from either end of s where a separator sets it
// off (join, at the end), unless d is all of s.
func trimDecoration(s, d string, join *regexp.Regexp) string {
	d = strings.TrimSpace(d)
	if d == "" || len(d) >= len(s) {
		return s
	}
	if strings.EqualFold(s[:len(d)], d) {
		if loc := titleSepStart.FindStringIndex(s[len(d):]); loc != nil && loc[1] > 0 {
			if rest := strings.TrimSpace(s[len(d)+loc[1]:]); rest != "" {
				return rest
			}
		}
	}
	if strings.EqualFold(s[len(s)-len(d):], d) {
		head := s[:len(s)-len(d)]
		if loc := join.FindStringIndex(head); loc != nil {
			if rest := strings.TrimSpace(head[:loc[0]]); rest != "" {
				return rest
			}
		}
	}
	return s
}

// prefaceNote keeps the entry's preface, the first cut paragraphs less
// the header found in them (headStart to headEnd) and the title line, as
// a note. A paragraph of the header range without a label or byline in
// it is the author's words ("Written for the exchange."), and is kept.
func prefaceNote(w *fanarchive.Work, ps []para, headStart, headEnd, cut int) {
	var parts []string
	for i := 0; i < cut && i < len(ps); i++ {
		t := strings.Join(ps[i].lines, "\n")
		switch {
		case t == "" || t == "* * *" || (len(ps[i].lines) == 1 && sameTitle(t, w.Title)):
			continue
		case i >= headStart && i < headEnd && (fieldParagraph(ps[i]) || containsName(w.AuthorNames(), t)):
			continue
		}
		parts = append(parts, t)
	}
	if len(parts) > 0 {
		w.Notes = append(w.Notes, fanarchive.Note{Label: prefaceLabel, Text: strings.Join(parts, "\n\n")})
	}
}

// fieldParagraph reports whether one of p's lines is a labelled field or
// a byline.
func fieldParagraph(p para) bool {
	for _, l := range p.lines {
		if _, _, _, ok := parseLabel(l); ok || bylineRe.MatchString(l) {
			return true
		}
	}
	return false
}
