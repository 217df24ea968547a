package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/lists"
	"fanarchive/internal/search"
	"fanarchive/internal/store/sqlite"
	"fanarchive/internal/web"
)

// The works below are written for these tests. Their text is distinctive so
// a test can tell which work, and which chapter, a page shows.

// feedbackAddress is the private contact of the quiet work; no page may
// ever show it.
const feedbackAddress = "maple.stone@example.org"

// quietRaw is the original file of the quiet work: windows-1252 with CRLF
// line ends and high-bit characters (curly quotes 0x93/0x94, an e acute 0xE9,
// an em dash 0x97), which must come back from /source byte for byte.
var quietRaw = []byte("Title: A Quiet Evening\r\nAuthor: Maple Stone <" + feedbackAddress + ">\r\n\r\n" +
	"\x93Stay,\x94 said Ren\xe9e\x97and the kettle sang.\r\n")

// fixture is a test server over a real SQLite store seeded with the works
// above, and the IDs the store gave them.
type fixture struct {
	t        testing.TB
	srv      *httptest.Server
	store    *sqlite.Store
	logs     *bytes.Buffer
	quiet    *fanarchive.Work // one chapter, General, sources in windows-1252
	multi    *fanarchive.Work // three chapters, incomplete, two sources
	hostile  *fanarchive.Work // a title and body that try to inject script
	untitled *fanarchive.Work
	adult    *fanarchive.Work // Explicit, two chapters
	// listEngine is the list engine the site runs with, when the options
	// asked for one (withListEngine).
	listEngine *lists.Engine
}

// newFixture opens a fresh store in t.TempDir(), seeds it and serves it.
func newFixture(t testing.TB, opts web.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "archive.db"), logger)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })

	f := &fixture{t: t, store: st, logs: &logs}
	if opts.Lists == listsEngineFor {
		f.listEngine = newTestListEngine(st)
		opts.Lists = f.listEngine
	}
	f.seed(ctx)
	if opts.Search == nil {
		// Search sees the seed through its snapshot, and anything a test
		// adds later through the change log.
		engine, err := search.New(ctx, st, logger)
		if err != nil {
			t.Fatalf("search engine: %v", err)
		}
		opts.Search = engine
	}
	f.srv = httptest.NewServer(web.New(st, logger, opts))
	t.Cleanup(f.srv.Close)
	return f
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC) }

func (f *fixture) create(ctx context.Context, w *fanarchive.Work) *fanarchive.Work {
	f.t.Helper()
	if err := f.store.CreateWork(ctx, w); err != nil {
		f.t.Fatalf("create work %q: %v", w.Title, err)
	}
	return w
}

func (f *fixture) seed(ctx context.Context) {
	// Filler works, older than the rest, so the home page has a second page.
	for i := range 20 {
		f.create(ctx, &fanarchive.Work{
			Kind:      fanarchive.KindFiction,
			Title:     fmt.Sprintf("Filler Story %02d", i+1),
			Authors:   []fanarchive.Author{{Name: "Pat Filler"}},
			Rating:    fanarchive.RatingGeneral,
			Words:     3,
			Complete:  true,
			Chapters:  []*fanarchive.Chapter{{Number: 1, Body: "<p>Nothing happens here.</p>"}},
			Published: day(1995, 1, 1+i),
		})
	}

	quietSrc := fanarchive.NewSource(`C:\LISTS\LANTERN\quiet evening.txt`, quietRaw)
	quietSrc.Encoding = "windows-1252"
	quietSrc.Archive = "The Lantern Room"
	quietSrc.List = "Lantern-L"
	quietSrc.FeedbackContact = "Maple Stone <" + feedbackAddress + ">"
	f.quiet = f.create(ctx, &fanarchive.Work{
		Kind:           fanarchive.KindFiction,
		Title:          "A Quiet Evening",
		Authors:        []fanarchive.Author{{Name: "Maple Stone"}},
		Summary:        "Renée makes tea.\n\nThe kettle has opinions.",
		Notes:          []fanarchive.Note{{Label: "Disclaimer:", Text: "The kettle belongs to nobody.\nNo profit is made.\n\nWrite to me at " + feedbackAddress + " with thoughts."}},
		Rating:         fanarchive.RatingGeneral,
		RatingOriginal: "G",
		Tags: []fanarchive.Tag{
			{Kind: fanarchive.TagFandom, Name: "Starlight Patrol"},
			{Kind: fanarchive.TagFandom, Name: "Harbor Lights", Inferred: true},
			{Kind: fanarchive.TagCharacter, Name: "Renée"},
			{Kind: fanarchive.TagFreeform, Name: "Tea"},
		},
		Language: "en",
		Words:    12345,
		Complete: true,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>\u201cStay,\u201d said Renée\u2014and the kettle sang.</p>\n" +
			"<hr class=\"scene-break\">\n<p class=\"verse\">Steam rises<br>\nand falls</p>\n<p>Mail " + feedbackAddress + " for more.</p>"}},
		Begins:    "\u201cStay,\u201d said Renée",
		Published: day(1998, 3, 14),
		Sources:   []*fanarchive.Source{quietSrc},
	})

	part1 := fanarchive.NewSource("lighthouse/part1.txt", []byte("Lighthouse Keeping, part 1 of 3\n\nThe lamp needed oil.\n"))
	part1.List = "Harbor-L"
	part1.FeedbackContact = "ash (at) example dot net"
	part2 := fanarchive.NewSource("lighthouse/part2.txt", []byte("Lighthouse Keeping, part 2 of 3\n\nThe gulls returned.\n"))
	f.multi = f.create(ctx, &fanarchive.Work{
		Kind:    fanarchive.KindFiction,
		Title:   "Lighthouse Keeping",
		Authors: []fanarchive.Author{{Name: "Ash Wren"}, {Name: "R. J. Holloway"}},
		Rating:  fanarchive.RatingTeen,
		Tags: []fanarchive.Tag{
			{Kind: fanarchive.TagFandom, Name: "Harbor Lights"},
			{Kind: fanarchive.TagRelationship, Name: "Kit/Juno"},
		},
		Words: 30,
		Chapters: []*fanarchive.Chapter{
			{Number: 1, Title: "Oil", Body: "<p>The lamp needed oil every evening.</p>", SourceID: -1},
			{Number: 2, Body: "<p>The gulls returned in spring.</p>", SourceID: -2},
			{Number: 3, Title: "Fog", Body: "<p>Fog swallowed the causeway whole.</p>", SourceID: -2},
		},
		Begins:    "The lamp needed oil",
		Published: day(1999, 6, 1),
		Updated:   day(1999, 7, 1),
		Sources:   []*fanarchive.Source{part1, part2},
	})

	f.hostile = f.create(ctx, &fanarchive.Work{
		Kind:    fanarchive.KindFiction,
		Title:   "<script>alert(1)</script>",
		Authors: []fanarchive.Author{{Name: "Mallory <b>Bold</b>"}},
		Summary: `A summary with <img src=x onerror=alert(2)> in it.`,
		Rating:  fanarchive.RatingGeneral,
		Words:   6,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: `<p onclick="steal()">She closed the book.</p>` +
			`<script>document.title='pwned'</script><a href="javascript:alert(3)">link</a>`}},
		Published: day(2000, 1, 1),
	})

	f.untitled = f.create(ctx, &fanarchive.Work{
		Kind:      fanarchive.KindFiction,
		Authors:   []fanarchive.Author{{Name: "Maple Stone"}},
		Rating:    fanarchive.RatingNotRated,
		Words:     8,
		Chapters:  []*fanarchive.Chapter{{Number: 1, Body: "<p>The rain had not stopped for three days.</p>"}},
		Begins:    "The rain had not stopped",
		Published: day(2000, 2, 2),
	})

	f.adult = f.create(ctx, &fanarchive.Work{
		Kind:    fanarchive.KindFiction,
		Title:   "After the Storm",
		Authors: []fanarchive.Author{{Name: "Dawn Vale"}},
		Summary: "Two keepers, one lamp.",
		Rating:  fanarchive.RatingExplicit,
		Tags:    []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Harbor Lights"}},
		Words:   20,
		Chapters: []*fanarchive.Chapter{
			{Number: 1, Body: "<p>The orchard kept its secret until dawn.</p>"},
			{Number: 2, Body: "<p>Apples fell on the tin roof all night.</p>"},
		},
		Complete:  true,
		Published: day(2001, 5, 5),
		Sources: []*fanarchive.Source{func() *fanarchive.Source {
			s := fanarchive.NewSource("storm.txt", []byte("After the Storm\n\nThe orchard kept its secret until dawn.\n"))
			s.FeedbackContact = "Dawn Vale"
			return s
		}()},
	})
}

// adultStory is text only the adult work's chapters hold.
const adultStory = "The orchard kept its secret"

// url returns the test server's URL for path.
func (f *fixture) url(path string) string { return f.srv.URL + path }

func workPath(w *fanarchive.Work) string { return fmt.Sprintf("/works/%d", w.ID) }

// response is what a test reads of an HTTP response.
type response struct {
	status int
	header http.Header
	body   string
}

// noRedirect is a client that reports redirects instead of following them.
func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// do sends req and reads the whole response.
func (f *fixture) do(req *http.Request) response {
	f.t.Helper()
	resp, err := noRedirect().Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("read %s: %v", req.URL, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// get fetches path, with the adult-consent cookie when consent is true.
func (f *fixture) get(path string, consent bool) response {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.url(path), nil)
	if err != nil {
		f.t.Fatal(err)
	}
	if consent {
		req.AddCookie(&http.Cookie{Name: "adult_ok", Value: "1"})
	}
	return f.do(req)
}

// postConsent posts the adult-consent form with the given extra headers.
func (f *fixture) postConsent(next string, headers map[string]string) response {
	f.t.Helper()
	form := "next=" + url.QueryEscape(next)
	req, err := http.NewRequest(http.MethodPost, f.url("/adult-consent"), strings.NewReader(form))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return f.do(req)
}
