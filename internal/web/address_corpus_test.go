package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fanarchive/internal/importer"
	"fanarchive/internal/search"
	"fanarchive/internal/store/sqlite"
	"fanarchive/internal/web"
)

// TestCorpusShowsNoAddress imports the shared corpus of 1990s Usenet posts,
// serves it, fetches every page a reader can reach — the listings, every
// work (whole and chapter by chapter, behind the adult notice and past it),
// every original-file download, the author, tag, fandom and search pages —
// and fails on any e-mail address of the corpus in any of them.
//
// The addresses are collected from the raw files by corpusAddresses, a
// deliberately liberal extractor written apart from package privacy (it
// does not call it), so the test does not grade the masker by its own rules.
func TestCorpusShowsNoAddress(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "usenet-startrek")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared corpus %s not found (%v); it lives outside the repository, at ../shared/corpus", dir, err)
	}
	if testing.Short() {
		t.Skip("imports and crawls the whole corpus; skipped with -short")
	}
	ctx := context.Background()
	needles := corpusAddresses(t, dir)
	at, bang := needles.counts()
	t.Logf("%d addresses in the corpus files: %d around '@', %d bang paths, %d other", needles.count(),
		at, bang, len(needles.other))
	if needles.count() < 500 {
		t.Fatalf("only %d addresses found in the corpus; the extractor is broken", needles.count())
	}

	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "archive.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	src, err := importer.Collect([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	type work struct {
		id              int64
		chapters, parts int
	}
	var works []work
	im := &importer.Importer{Works: st, Runs: st}
	if _, err := im.Run(ctx, src, "test", func(r importer.Result) {
		if r.Work != nil && r.Work.ID > 0 {
			works = append(works, work{r.Work.ID, len(r.Work.Chapters), len(r.Work.Sources)})
		}
	}); err != nil {
		t.Fatal(err)
	}
	engine, err := search.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(st, nil, web.Options{Search: engine}))
	t.Cleanup(srv.Close)

	c := &crawler{t: t, base: srv.URL, needles: needles, seen: map[string]bool{}, leaked: map[string]bool{}}
	c.queue("/", "/fandoms", "/search")
	for _, w := range works {
		p := "/works/" + strconv.FormatInt(w.id, 10)
		c.queue(p, p+"?view=full", p+"/source")
		c.fetch(p, false) // the adult notice names the work too
		for n := 1; n <= w.chapters; n++ {
			c.queue(p + "/chapters/" + strconv.Itoa(n))
		}
		for i := 2; i <= w.parts; i++ {
			c.queue(p + "/source?part=" + strconv.Itoa(i))
		}
	}
	// Search for the names in the addresses: a work whose index still held
	// an address would be found by them.
	for _, q := range needles.words(300) {
		c.queue("/search?q=" + url.QueryEscape(q))
	}
	c.run()
	t.Logf("%d pages fetched (%d works), %d bytes; %d show an address (%d different)", len(c.seen), len(works), c.bytes,
		c.leaks, len(c.leaked))
	for _, kind := range []string{"/authors/", "/tags/", "/source", "/chapters/", "/search?q="} {
		n := 0
		for p := range c.seen {
			if strings.Contains(p, kind) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no %s page was fetched; the crawl is broken", kind)
		}
	}
}

// maxPages bounds the crawl, in case links multiply.
const maxPages = 20000

// crawler fetches pages and the pages they link to, checking each.
type crawler struct {
	t       *testing.T
	base    string
	needles *addresses
	seen    map[string]bool
	todo    []string
	bytes   int
	leaks   int             // pages that show an address
	leaked  map[string]bool // the addresses they show
}

func (c *crawler) queue(paths ...string) {
	for _, p := range paths {
		if !c.seen[p] {
			c.seen[p] = true
			c.todo = append(c.todo, p)
		}
	}
}

func (c *crawler) run() {
	for len(c.todo) > 0 && len(c.seen) < maxPages {
		p := c.todo[0]
		c.todo = c.todo[1:]
		body := c.fetch(p, true)
		for _, m := range hrefPattern.FindAllStringSubmatch(body, -1) {
			if link, ok := followable(html.UnescapeString(m[1])); ok {
				c.queue(link)
			}
		}
	}
	if len(c.seen) >= maxPages {
		c.t.Errorf("more than %d pages; stopped crawling", maxPages)
	}
}

// fetch gets a page, with or without the adult-content consent, and checks
// it for addresses.
func (c *crawler) fetch(p string, consent bool) string {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+p, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if consent {
		req.AddCookie(&http.Cookie{Name: "adult_ok", Value: "1"})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		c.t.Errorf("GET %s: %d", p, resp.StatusCode)
	}
	c.bytes += len(b)
	body := string(b)
	for _, text := range []string{body, html.UnescapeString(body), percentDecode(body)} {
		if leak := c.needles.in(text); leak != "" {
			c.leaks++
			c.leaked[leak] = true
			if c.leaks <= 40 {
				c.t.Errorf("GET %s shows the address %q", p, leak)
			}
			break
		}
	}
	return body
}

var hrefPattern = regexp.MustCompile(`href="([^"]*)"`)

// followable reports whether a link leads to another page of the site to
// check: listings and their pages, works, authors and tags, but not search
// filters, which only combine what the pages already show.
func followable(link string) (string, bool) {
	u, err := url.Parse(link)
	if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "/static/") ||
		u.Path == "/search" {
		return "", false
	}
	for k := range u.Query() {
		if k != "page" && k != "view" && k != "part" {
			return "", false
		}
	}
	u.Fragment = ""
	return u.String(), true
}

// percentDecode decodes %XX escapes, leaving malformed ones as they are, so
// an address in a link (/authors/a%40b) is seen.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// addresses are what corpusAddresses found, lower-cased, indexed so a page
// is checked in one pass: at maps the first label of a host to the users
// seen at it (a page showing "user@label" leaks, even when the rest of the
// host is masked); bang maps the last part of a bang path to the host
// before it ("host!user"); other holds numbers (CompuServe, FidoNet).
type addresses struct {
	at    map[string][]string
	bang  map[string][]string
	other []string
}

func (a *addresses) count() int {
	at, bang := a.counts()
	return at + bang + len(a.other)
}

// counts returns how many user@label and host!user pairs there are.
func (a *addresses) counts() (at, bang int) {
	for _, users := range a.at {
		at += len(users)
	}
	for _, hosts := range a.bang {
		bang += len(hosts)
	}
	return at, bang
}

// words returns up to n of the users' names, for searches.
func (a *addresses) words(n int) []string {
	seen := map[string]bool{}
	var out []string
	for _, users := range a.at {
		for _, u := range users {
			if w := strings.Trim(u, "._-%!"); len(w) >= 4 && !seen[w] && wordPattern.MatchString(w) {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	for user := range a.bang {
		if len(user) >= 4 && !seen[user] && wordPattern.MatchString(user) {
			seen[user] = true
			out = append(out, user)
		}
	}
	slices.Sort(out)
	if len(out) > n {
		out = out[:n]
	}
	return out
}

var wordPattern = regexp.MustCompile(`^[a-z][a-z0-9]+$`)

// in returns an address that text shows, or "".
func (a *addresses) in(text string) string {
	text = strings.ToLower(text)
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '@':
			label := text[i+1 : i+1+runLen(text[i+1:], isLabelChar)]
			before := strings.TrimSuffix(text[:i], ")")
			for _, user := range a.at[label] {
				if strings.HasSuffix(before, user) {
					return user + "@" + label
				}
			}
		case '!':
			user := strings.TrimRight(text[i+1:i+1+runLen(text[i+1:], isPartChar)], ".-_%")
			for _, host := range a.bang[user] {
				if strings.HasSuffix(text[:i], host) {
					return host + "!" + user
				}
			}
		}
	}
	for _, s := range a.other {
		if strings.Contains(text, s) {
			return s
		}
	}
	return ""
}

func runLen(s string, ok func(byte) bool) int {
	n := 0
	for n < len(s) && ok(s[n]) {
		n++
	}
	return n
}

func isAlnumByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isLabelChar(c byte) bool { return isAlnumByte(c) || c == '-' || c == '_' }

func isPartChar(c byte) bool { return isLabelChar(c) || c == '.' || c == '%' }

// fidoNode and compuServeID find those numbers; the first only counts on a
// line that names FidoNet.
var (
	fidoNode     = regexp.MustCompile(`\b\d{1,5}:\d{1,5}/\d{1,5}(\.\d{1,5})?\b`)
	compuServeID = regexp.MustCompile(`[(\[]\s*(\d{5,6},\d{2,5})\s*[)\]]`)
)

// corpusAddresses collects the addresses in the corpus files, liberally:
//
//   - around every '@': the word before it (back to a space, '!', '%', '/',
//     '<', '(' or quote; inside the parentheses of "(ID)@HOST") and the first
//     label of the host after it, when both have letters or digits — except
//     a single capitalised word or one shorter than three letters after the
//     sign with no dot after it ("Met@Harbourside", "Jo@s"), which are prose;
//   - bang paths: every token with a '!' on a Path: line or a line naming
//     UUCP, every token that starts "..!" or "{", and every token of three or
//     more parts that has a dot or is all lower case; its last two parts;
//   - FidoNet nodes on lines naming FidoNet or an Origin, and numbers in
//     parentheses or brackets shaped like CompuServe IDs.
func corpusAddresses(t *testing.T, dir string) *addresses {
	t.Helper()
	a := &addresses{at: map[string][]string{}, bang: map[string][]string{}}
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasPrefix(f.Name(), ".") || !f.Type().IsRegular() {
			continue // not imported
		}
		raw, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			a.addAt(line)
			a.addBang(line)
			lower := strings.ToLower(line)
			if strings.Contains(lower, "fido") || strings.Contains(lower, "origin:") {
				a.other = append(a.other, fidoNode.FindAllString(line, -1)...)
			}
			for _, m := range compuServeID.FindAllStringSubmatch(line, -1) {
				a.other = append(a.other, m[1])
			}
		}
	}
	slices.Sort(a.other)
	a.other = slices.Compact(a.other)
	return a
}

// addAt collects the user@label pairs of a line.
func (a *addresses) addAt(line string) {
	for i := 0; i < len(line); i++ {
		if line[i] != '@' {
			continue
		}
		j := i
		if j > 0 && line[j-1] == ')' {
			j-- // (ID)@HOST
		}
		end := j
		for j > 0 && (isAlnumByte(line[j-1]) || strings.IndexByte(".-_+=#$&'*^`{|}~?", line[j-1]) >= 0) {
			j--
		}
		user := strings.ToLower(strings.Trim(line[j:end], ".-_'`"))
		k := i + 1 + runLen(line[i+1:], isLabelChar)
		label := line[i+1 : k]
		dotted := k+1 < len(line) && (line[k] == '.' || line[k] == ':') && isAlnumByte(line[k+1])
		prose := !dotted && (len(label) < 3 || capitalisedWord.MatchString(label))
		if user == "" || label == "" || prose {
			continue
		}
		label = strings.ToLower(label)
		if !slices.Contains(a.at[label], user) {
			a.at[label] = append(a.at[label], user)
		}
	}
}

var (
	capitalisedWord = regexp.MustCompile(`^[A-Z][a-z]+$`)
	lowerPart       = regexp.MustCompile(`^[a-z0-9_.-]+$`)
)

// addBang collects the host!user pairs ending the bang paths of a line.
func (a *addresses) addBang(line string) {
	lower := strings.ToLower(line)
	context := strings.HasPrefix(lower, "path:") || strings.Contains(lower, "uucp")
	for _, tok := range strings.Fields(line) {
		tok = strings.Trim(tok, `"'()<>[],;:*`)
		if at := strings.IndexByte(tok, '@'); at >= 0 {
			tok = tok[:at]
		}
		parts := strings.FieldsFunc(tok, func(r rune) bool { return r == '!' })
		for i := range parts {
			parts[i] = strings.Trim(parts[i], ".-_%")
		}
		parts = slices.DeleteFunc(parts, func(p string) bool { return p == "" })
		if len(parts) < 2 {
			continue
		}
		explicit := strings.HasPrefix(tok, "..") || strings.HasPrefix(tok, "{")
		allLower := true
		for _, p := range parts {
			allLower = allLower && lowerPart.MatchString(p)
		}
		if context || explicit || len(parts) >= 3 && (strings.Contains(tok, ".") || allLower) {
			host, user := strings.ToLower(parts[len(parts)-2]), strings.ToLower(parts[len(parts)-1])
			if !slices.Contains(a.bang[user], host) {
				a.bang[user] = append(a.bang[user], host)
			}
		}
	}
}
