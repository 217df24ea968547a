package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/store/sqlite"
	"fanarchive/internal/web"
)

// hugeParagraph is paragraph i of the huge work: numbered, so a test can
// tell which paragraphs a page shows, and long enough that a few hundred
// thousand make tens of megabytes.
func hugeParagraph(i int) string {
	return fmt.Sprintf("<p>Paragraph %07d. The lamp burned on the north tower all night, and the boats came home one by one through the fog.</p>\n", i)
}

// paragraphNumber finds the numbers of the paragraphs in a page.
var paragraphNumber = regexp.MustCompile(`<p>Paragraph (\d{7})\.`)

// hugeFixture is a store holding one work whose only chapter is about
// size bytes of paragraphs, and the site serving it.
type hugeFixture struct {
	store      *sqlite.Store
	site       http.Handler
	work       *fanarchive.Work // as stored, without the body
	paragraphs int
	size       int
}

func newHugeFixture(t *testing.T, size int) *hugeFixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "archive.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var body strings.Builder
	n := 0
	for ; body.Len() < size; n++ {
		body.WriteString(hugeParagraph(n))
	}
	w := &fanarchive.Work{
		Kind:     fanarchive.KindFiction,
		Title:    "The Longest Night",
		Authors:  []fanarchive.Author{{Name: "Wren Marsh"}},
		Rating:   fanarchive.RatingGeneral,
		Words:    22 * n,
		Complete: true,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: body.String(), Words: 22 * n,
			Text: "The lamp burned on the north tower all night."}}, // enough for search
	}
	if err := st.CreateWork(ctx, w); err != nil {
		t.Fatal(err)
	}
	outline, err := st.FindWorkOutline(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &hugeFixture{store: st, site: web.New(st, nil, web.Options{}), work: outline, paragraphs: n, size: body.Len()}
}

// get serves one request in process and returns the recorded response.
func (h *hugeFixture) get(path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.site.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// TestHugeWork serves a work whose single chapter is 24 MB: the work page
// is one page of it, bounded in size, with page navigation; the pages
// together show every paragraph once, in order; and the entire work streams.
func TestHugeWork(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the 24 MB work in -short mode")
	}
	h := newHugeFixture(t, 24<<20)
	if pages := h.work.Chapters[0].Pages; pages < 24<<20/fanarchive.ChapterPageBytes {
		t.Fatalf("the chapter is in %d pages; want at least %d", pages, 24<<20/fanarchive.ChapterPageBytes)
	}
	t.Run("the work page is its first page", func(t *testing.T) { testHugeFirstPage(t, h) })
	t.Run("the pages show every paragraph once", func(t *testing.T) { testHugePages(t, h) })
	t.Run("pages past the end are not found", func(t *testing.T) { testHugeNotFound(t, h) })
	t.Run("one page costs a page of memory", func(t *testing.T) { testHugePageMemory(t, h) })
	t.Run("entire work streams", func(t *testing.T) { testHugeStream(t, h) })
}

// testHugeFirstPage reads the work page: page 1, bounded in size, with
// page navigation.
func testHugeFirstPage(t *testing.T, h *hugeFixture) {
	base, pages := workPath(h.work), h.work.Chapters[0].Pages
	first := h.get(base)
	if first.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", base, first.Code)
	}
	if n := first.Body.Len(); n > fanarchive.ChapterPageBytes+32<<10 {
		t.Errorf("the work page is %d bytes of a %d-byte work; want at most a page (%d) and the layout", n, h.size, fanarchive.ChapterPageBytes)
	}
	page1 := first.Body.String()
	for _, want := range []string{
		fmt.Sprintf("<title>The Longest Night - Page 1 of %d - Wren Marsh - fanarchive</title>", pages),
		fmt.Sprintf("Page 1 of %d", pages),
		fmt.Sprintf(`<a rel="next" href="%s?page=2">`, base),
		`<form class="page-jump" action="` + base + `" method="get">`,
		hugeParagraph(0),
	} {
		if !strings.Contains(page1, want) {
			t.Errorf("page 1 lacks %q", want)
		}
	}
	if strings.Contains(page1, `rel="prev"`) {
		t.Error("page 1 links to a previous page")
	}
}

// testHugePages reads every page in turn: together they show each
// paragraph once, in order, and each links to its neighbours.
func testHugePages(t *testing.T, h *hugeFixture) {
	base, pages := workPath(h.work), h.work.Chapters[0].Pages
	next := 0
	for k := 1; k <= pages; k++ {
		path := base + "?page=" + strconv.Itoa(k)
		rec := h.get(path)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		body := rec.Body.String()
		want := []string{fmt.Sprintf("<title>The Longest Night - Page %d of %d - Wren Marsh - fanarchive</title>", k, pages)}
		if k > 1 {
			want = append(want, fmt.Sprintf(`<a rel="prev" href="%s">`, pageURL(base, k-1)))
		}
		if k < pages {
			want = append(want, fmt.Sprintf(`<a rel="next" href="%s?page=%d">`, base, k+1))
		} else if strings.Contains(body, `rel="next"`) {
			t.Error("the last page links to a next page")
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("page %d lacks %q", k, w)
			}
		}
		for _, m := range paragraphNumber.FindAllStringSubmatch(body, -1) {
			if got, _ := strconv.Atoi(m[1]); got != next {
				t.Fatalf("page %d shows paragraph %d where paragraph %d comes next", k, got, next)
			}
			next++
		}
	}
	if next != h.paragraphs {
		t.Errorf("the pages show %d paragraphs of %d", next, h.paragraphs)
	}
	path := base + "/chapters/1?page=2"
	if rec := h.get(path); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), fmt.Sprintf("Page 2 of %d", pages)) {
		t.Errorf("GET %s: %d, want page 2", path, rec.Code)
	}
}

// testHugeNotFound asks for pages that are not there.
func testHugeNotFound(t *testing.T, h *hugeFixture) {
	base, pages := workPath(h.work), h.work.Chapters[0].Pages
	for _, q := range []string{"0", strconv.Itoa(pages + 1), "-1", "two", "1.5", "+2"} {
		for _, path := range []string{base + "?page=" + q, base + "/chapters/1?page=" + q} {
			if rec := h.get(path); rec.Code != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, rec.Code)
			}
		}
	}
}

// pageURL is the link to page k of the work at base.
func pageURL(base string, k int) string {
	if k == 1 {
		return base
	}
	return base + "?page=" + strconv.Itoa(k)
}

// streamRecorder is a ResponseWriter that keeps none of the body: it counts
// paragraphs as they pass, and at every flush and every megabyte measures
// the live heap.
type streamRecorder struct {
	header   http.Header
	status   int
	bytes    int
	flushes  int
	bytesAt1 int // bytes written when the first flush came
	count    int
	carry    []byte // the end of the last write, in case a paragraph spans two
	tail     []byte // the last bytes written
	maxLive  uint64
}

func (r *streamRecorder) Header() http.Header { return r.header }

func (r *streamRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

var paragraphStart = []byte("<p>Paragraph ")

func (r *streamRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.bytes/(1<<20) != (r.bytes+len(b))/(1<<20) {
		r.measure() // once a megabyte, with what is being written live
	}
	r.bytes += len(b)
	buf := append(r.carry, b...)
	r.count += bytes.Count(buf, paragraphStart)
	// Keep what could begin a paragraph that the next write ends, but not
	// one already counted.
	keep := min(len(buf), len(paragraphStart)-1)
	r.carry = append([]byte(nil), buf[len(buf)-keep:]...)
	r.tail = append([]byte(nil), buf[max(0, len(buf)-64):]...)
	return len(b), nil
}

func (r *streamRecorder) Flush() {
	r.flushes++
	if r.flushes == 1 {
		r.bytesAt1 = r.bytes
	}
	r.measure()
}

// measure notes the live heap.
func (r *streamRecorder) measure() {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	r.maxLive = max(r.maxLive, m.HeapAlloc)
}

// testHugeStream reads ?view=full of the huge work: every paragraph is
// sent, a little at a time, while the live heap stays far below the work's
// size.
func testHugeStream(t *testing.T, h *hugeFixture) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	rec := &streamRecorder{header: http.Header{}}
	path := fmt.Sprintf("/works/%d?view=full", h.work.ID)
	h.site.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	rec.Flush() // the live heap at the end, too

	if rec.status != http.StatusOK || !strings.HasPrefix(rec.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: %d, Content-Type %q", path, rec.status, rec.header.Get("Content-Type"))
	}
	if cl := rec.header.Get("Content-Length"); cl != "" {
		t.Errorf("a streamed page has Content-Length %s", cl)
	}
	if rec.header.Get("Content-Security-Policy") == "" {
		t.Error("the streamed page lacks the security headers")
	}
	if rec.count != h.paragraphs {
		t.Errorf("the entire work has %d paragraphs, want %d", rec.count, h.paragraphs)
	}
	if !bytes.HasSuffix(bytes.TrimSpace(rec.tail), []byte("</html>")) {
		t.Errorf("the entire work ends %q, not with the layout's foot", rec.tail)
	}
	// Streamed: flushed many times, first after a small part of the work.
	if rec.flushes < h.size/(1<<20) || rec.bytesAt1 > h.size/10 {
		t.Errorf("%d flushes, the first after %d of %d bytes; want it sent a little at a time", rec.flushes-1, rec.bytesAt1, rec.bytes)
	}
	grew := int64(rec.maxLive) - int64(before.HeapAlloc)
	t.Logf("entire work: %d bytes in %d flushes, the first after %d; live heap grew by at most %d bytes", rec.bytes, rec.flushes-1, rec.bytesAt1, grew)
	if grew > int64(h.size/4) {
		t.Errorf("the live heap grew by %d bytes while streaming a %d-byte work; want it bounded by a page or two", grew, h.size)
	}
}

// testHugePageMemory checks that one page of a huge work costs memory in
// proportion to the page, not to the work: the bytes allocated while serving
// it (runtime.MemStats.TotalAlloc, which no collection can hide) stay far
// below the work's size.
func testHugePageMemory(t *testing.T, h *hugeFixture) {
	path := fmt.Sprintf("/works/%d?page=3", h.work.ID)
	h.get(path) // templates and the store's connections warmed up
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rec := h.get(path)
	runtime.ReadMemStats(&after)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", path, rec.Code)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("one page of a %d-byte work: %d bytes sent, %d allocated", h.size, rec.Body.Len(), alloc)
	if limit := uint64(16 * fanarchive.ChapterPageBytes); alloc > limit {
		t.Errorf("serving one page allocated %d bytes; want at most %d (16 pages' worth) for a %d-byte work", alloc, limit, h.size)
	}
}

// TestLongChapterOfSeveral pages a long chapter in a work of several: the
// chapter's URL takes ?page=, the title names chapter and page, chapter
// and page navigation sit together, an adult work's pages stay behind the
// notice, and the entire work streams every chapter in order.
func TestLongChapterOfSeveral(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "archive.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var long strings.Builder
	n := 0
	for ; long.Len() < 2*fanarchive.ChapterPageBytes+fanarchive.ChapterPageBytes/2; n++ {
		long.WriteString(hugeParagraph(n))
	}
	w := &fanarchive.Work{
		Kind:    fanarchive.KindFiction,
		Title:   "Three Nights",
		Authors: []fanarchive.Author{{Name: "Wren Marsh"}},
		Rating:  fanarchive.RatingMature,
		Chapters: []*fanarchive.Chapter{
			{Number: 1, Title: "Dusk", Body: "<p>The first night was short.</p>\n"},
			{Number: 2, Title: "Midnight", Body: long.String()},
			{Number: 3, Title: "Dawn", Body: "<p>The third night ended at last.</p>\n"},
		},
	}
	if err := st.CreateWork(ctx, w); err != nil {
		t.Fatal(err)
	}
	pages := w.Chapters[1].Pages
	if pages != 3 {
		t.Fatalf("chapter 2 is in %d pages, want 3", pages)
	}
	srv := httptest.NewServer(web.New(st, nil, web.Options{}))
	defer srv.Close()
	get := func(path string, consent bool) (int, http.Header, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if consent {
			req.AddCookie(&http.Cookie{Name: "adult_ok", Value: "1"})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		if _, err := io.Copy(&b, resp.Body); err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		return resp.StatusCode, resp.Header, b.String()
	}
	chapter := fmt.Sprintf("/works/%d/chapters/2", w.ID)

	status, _, body := get(chapter+"?page=2", false)
	if status != http.StatusOK || !strings.Contains(body, "This work could have adult content") || strings.Contains(body, "Paragraph 0") {
		t.Errorf("page 2 of an adult work without consent: %d, want the notice and no text", status)
	}
	status, _, body = get(chapter+"?page=2", true)
	for _, want := range []string{
		fmt.Sprintf("<title>Three Nights - Chapter 2: Midnight - Page 2 of %d - Wren Marsh - fanarchive</title>", pages),
		`<h2 class="chapter-title">Chapter 2: Midnight</h2>`,
		`<a rel="prev" href="` + chapter + `">← Previous page</a>`,
		`<a rel="next" href="` + chapter + `?page=3">Next page →</a>`,
		`<form class="page-jump" action="` + chapter + `" method="get">`,
		fmt.Sprintf(`<a rel="next" href="/works/%d/chapters/3">Next chapter →</a>`, w.ID),
	} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s?page=2: %d, lacks %q", chapter, status, want)
		}
	}
	if strings.Contains(body, "The first night") || strings.Contains(body, hugeParagraph(0)) {
		t.Error("page 2 of chapter 2 shows another chapter, or page 1")
	}
	for _, path := range []string{chapter + "?page=4", fmt.Sprintf("/works/%d/chapters/3?page=2", w.ID), fmt.Sprintf("/works/%d?page=2", w.ID)} {
		if status, _, _ := get(path, true); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
	}
	if _, _, body := get(fmt.Sprintf("/works/%d", w.ID), true); strings.Contains(body, "page-nav") {
		t.Error("chapter 1, one page, has page navigation")
	}

	status, header, body := get(fmt.Sprintf("/works/%d?view=full", w.ID), true)
	if status != http.StatusOK || header.Get("Content-Length") != "" || !strings.HasPrefix(header.Get("Content-Type"), "text/html") {
		t.Errorf("entire work: %d, Content-Length %q, Content-Type %q", status, header.Get("Content-Length"), header.Get("Content-Type"))
	}
	order := []string{"The first night was short.", `id="chapter-2"`, hugeParagraph(0), hugeParagraph(n - 1),
		`id="chapter-3"`, "The third night ended at last.", "</html>"}
	at := 0
	for _, s := range order {
		i := strings.Index(body[at:], s)
		if i < 0 {
			t.Fatalf("the entire work lacks %q after byte %d", s, at)
		}
		at += i + len(s)
	}
	if got := strings.Count(body, "<p>Paragraph "); got != n || strings.Contains(body, "page-nav") {
		t.Errorf("the entire work has %d paragraphs of chapter 2, want %d, and no page navigation", got, n)
	}
}
