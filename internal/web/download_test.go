package web_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fanarchive"
	"fanarchive/internal/importer"
	"fanarchive/internal/web"

	"golang.org/x/net/html"
)

// epubcheck returns a function that runs EPUBCheck (Debian's epubcheck
// package, a Java program) on an EPUB file and fails the test on any error
// or warning. It skips the test when EPUBCheck is missing, unless
// FANARCHIVE_REQUIRE_EPUBCHECK is set (CI sets it).
func epubcheck(t *testing.T) func(name string, epub []byte) {
	t.Helper()
	jar := "/usr/share/java/epubcheck.jar"
	java, err := exec.LookPath("java")
	if _, statErr := os.Stat(jar); err != nil || statErr != nil {
		if os.Getenv("FANARCHIVE_REQUIRE_EPUBCHECK") != "" {
			t.Fatalf("EPUBCheck is needed (%s and java) and FANARCHIVE_REQUIRE_EPUBCHECK is set", jar)
		}
		t.Skip("skipping: EPUBCheck not installed (Debian packages epubcheck and a Java runtime)")
	}
	return func(name string, epub []byte) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "book.epub")
		if err := os.WriteFile(path, epub, 0o644); err != nil {
			t.Error(err) // not Fatal: this may run on another goroutine
			return
		}
		out, err := exec.Command(java, "-jar", jar, path).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("No errors or warnings detected")) {
			t.Errorf("EPUBCheck on %s: %v\n%s", name, err, out)
		}
	}
}

// TestDownloadsValidate downloads every format of the seed story (imported
// through the real importer), a work of three chapters with tags and notes,
// a work without a title and a work whose title and text try to inject
// markup, and runs EPUBCheck on every EPUB.
func TestDownloadsValidate(t *testing.T) {
	check := epubcheck(t)
	f := newFixture(t, web.Options{})
	works := map[string]*fanarchive.Work{"multi": f.multi, "untitled": f.untitled, "hostile": f.hostile}
	if seed := filepath.Join("..", "..", "..", "shared", "corpus", "seed"); dirExists(seed) {
		src, err := importer.Collect([]string{seed})
		if err != nil {
			t.Fatal(err)
		}
		var got *fanarchive.Work
		im := &importer.Importer{Works: f.store, Runs: f.store}
		if _, err := im.Run(context.Background(), src, "test", func(r importer.Result) {
			if r.Work != nil && got == nil {
				got = r.Work
			}
		}); err != nil || got == nil {
			t.Fatalf("import the seed: %v", err)
		}
		works["seed"] = got
	} else {
		t.Log("the seed story (../shared/corpus/seed) is absent: checking the repository's own works only")
	}
	epubs := map[string][]byte{}
	for name, w := range works {
		for _, format := range []string{"epub", "html", "txt"} {
			res := f.get(workPath(w)+"/download/"+format, true)
			if res.status != http.StatusOK {
				t.Errorf("%s %s: status %d", name, format, res.status)
				continue
			}
			cd := res.header.Get("Content-Disposition")
			if !strings.HasPrefix(cd, `attachment; filename="`) || !strings.Contains(cd, "."+format) {
				t.Errorf("%s %s: Content-Disposition %q", name, format, cd)
			}
			if res.header.Get("ETag") == "" {
				t.Errorf("%s %s: no ETag", name, format)
			}
			switch format {
			case "epub":
				epubs[name] = []byte(res.body)
			case "html":
				if bad := activeMarkup(res.body); bad != "" {
					t.Errorf("%s: the HTML download carries %s", name, bad)
				}
			case "txt":
				if !strings.Contains(res.body, w.DisplayTitle()) || strings.Contains(res.body, "<p>") {
					t.Errorf("%s: the text download lacks its title or holds markup:\n%.300s", name, res.body)
				}
			}
		}
	}
	// EPUBCheck starts a Java VM for each file: two at a time.
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2)
	for name, epub := range epubs {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			check(name, epub)
		})
	}
	wg.Wait()
}

// TestDownloadConditional: a download carries its version as an ETag and
// answers a request that has it with 304; a malformed If-None-Match is
// ignored, not an error.
func TestDownloadConditional(t *testing.T) {
	f := newFixture(t, web.Options{})
	path := workPath(f.multi) + "/download/epub"
	first := f.get(path, false)
	etag := first.header.Get("ETag")
	if first.status != http.StatusOK || etag == "" {
		t.Fatalf("status %d, ETag %q", first.status, etag)
	}
	for header, want := range map[string]int{
		etag:                         http.StatusNotModified,
		`"other", ` + etag:           http.StatusNotModified,
		"W/" + etag:                  http.StatusNotModified,
		"*":                          http.StatusNotModified,
		`"other"`:                    http.StatusOK,
		`unquoted`:                   http.StatusOK,
		`"`:                          http.StatusOK,
		strings.Repeat(`"x",`, 2000): http.StatusOK,
	} {
		req, _ := http.NewRequest(http.MethodGet, f.url(path), nil)
		req.Header.Set("If-None-Match", header)
		if res := f.do(req); res.status != want {
			t.Errorf("If-None-Match %.40q: status %d, want %d", header, res.status, want)
		}
	}
	if res := f.get(workPath(f.multi)+"/download/pdf", false); res.status != http.StatusNotFound {
		t.Errorf("an unknown format: status %d", res.status)
	}
	if res := f.get(workPath(f.adult)+"/download/txt", false); res.status != http.StatusOK || !strings.Contains(res.body, "adult") {
		t.Errorf("an adult work's download without consent should show the notice: %d", res.status)
	}
}

// activeMarkup names the first thing in an HTML document that could run
// or load something: a script, style-less embed, an event handler or a
// javascript: URL; "" when there is none.
func activeMarkup(doc string) string {
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "object", "embed", "img", "svg":
				return "a <" + tok.Data + "> element"
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(strings.TrimSpace(strings.ToLower(a.Val)), "javascript:") {
					return "the attribute " + a.Key + "=" + a.Val
				}
			}
		}
	}
}

func dirExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
