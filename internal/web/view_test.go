package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fanarchive"
)

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 12345: "12,345", 1234567: "1,234,567", -4321: "-4,321"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{1: "1 byte", 114: "114 bytes", 1023: "1,023 bytes", 1536: "1.5 KB", 3 << 20: "3.0 MB"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1, true},
		{"42", 42, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"9223372036854775808", 0, false},
		{"99999999999999999999", 0, false},
		{"0", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1e3", 0, false},
		{" 1", 0, false},
		{"", 0, false},
		{"abc", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseID(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestIsLocalPath(t *testing.T) {
	tests := []struct {
		next string
		ok   bool
	}{
		{"/", true},
		{"/works/1", true},
		{"/works/1?view=full", true},
		{"/works/1/chapters/2", true},
		{"/authors/A%2FB", true},
		{"//evil.com", false},
		{"///evil.com", false},
		{`/\evil.com`, false},
		{`\\evil.com`, false},
		{"https://evil.com", false},
		{"http:/evil.com", false},
		{"javascript:alert(1)", false},
		{"evil.com", false},
		{"", false},
		{"/\t/evil.com", false},
		{"/\n/evil.com", false},
		{"/" + strings.Repeat("a", 3000), false},
	}
	for _, tt := range tests {
		if got := isLocalPath(tt.next); got != tt.ok {
			t.Errorf("isLocalPath(%q) = %v, want %v", tt.next, got, tt.ok)
		}
	}
}

func TestFeedbackName(t *testing.T) {
	authors := []string{"Ash Wren", "R. J. Holloway"}
	tests := []struct{ contact, want string }{
		{"", ""},
		{"Dawn Vale", "Dawn Vale"},
		{"  Dawn Vale ", "Dawn Vale"},
		{"dawn@example.org", "Ash Wren, R. J. Holloway"},
		{"Dawn Vale <dawn@example.org>", "Ash Wren, R. J. Holloway"},
		{"dawn (at) example (dot) org", "Ash Wren, R. J. Holloway"},
		{"dawn at example dot org", "Ash Wren, R. J. Holloway"},
		{"dawn[at]example.org", "Ash Wren, R. J. Holloway"},
		{"http://www.example.org/~dawn", "Ash Wren, R. J. Holloway"},
	}
	for _, tt := range tests {
		if got := feedbackName(tt.contact, authors); got != tt.want {
			t.Errorf("feedbackName(%q) = %q, want %q", tt.contact, got, tt.want)
		}
	}
}

func TestDownloadName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"story.txt", "story.txt"},
		{"lists/lantern/story.txt", "story.txt"},
		{`C:\LISTS\LANTERN\quiet evening.txt`, "quiet_evening.txt"},
		{`evil"; filename=x.html`, "evil___filename_x.html"},
		{"../../etc/passwd", "passwd"},
		{".hidden", "hidden"},
		{"", "source.txt"},
		{"/", "source.txt"},
		{"Renée.txt", "Ren_e.txt"},
		{"a\r\nb.txt", "a__b.txt"},
	}
	for _, tt := range tests {
		if got := downloadName(tt.in); got != tt.want {
			t.Errorf("downloadName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSourceCharset(t *testing.T) {
	for in, want := range map[string]string{"": "utf-8", "windows-1252": "windows-1252", "ISO-8859-1": "ISO-8859-1", "utf-8\r\nX-Evil: 1": "utf-8", "a b": "utf-8"} {
		if got := sourceCharset(in); got != want {
			t.Errorf("sourceCharset(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParagraphs(t *testing.T) {
	got := paragraphs("  First line\r\nwrapped here.\r\n\r\n\r\nSecond, mail me@example.com.\n \n")
	want := []string{"First line wrapped here.", "Second, mail [address hidden]."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("paragraphs = %q, want %q", got, want)
	}
}

func TestChapterCount(t *testing.T) {
	two := []*fanarchive.Chapter{{Number: 1}, {Number: 2}}
	tests := []struct {
		w    fanarchive.Work
		want string
	}{
		{fanarchive.Work{Chapters: two, Complete: true}, "2/2"},
		{fanarchive.Work{Chapters: two[:1]}, "1/?"},
		{fanarchive.Work{Complete: true}, "1/1"},
	}
	for _, tt := range tests {
		if got := chapterCount(&tt.w); got != tt.want {
			t.Errorf("chapterCount = %q, want %q", got, tt.want)
		}
	}
}

func TestStatusFor(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{fanarchive.Errorf(fanarchive.ENOTFOUND, "x"), http.StatusNotFound},
		{fanarchive.Errorf(fanarchive.EINVALID, "x"), http.StatusBadRequest},
		{fanarchive.Errorf(fanarchive.ECONFLICT, "x"), http.StatusConflict},
		{fanarchive.Errorf(fanarchive.EINTERNAL, "x"), http.StatusInternalServerError},
		{fanarchive.Errorf(fanarchive.ENOTIMPLEMENTED, "x"), http.StatusInternalServerError},
		{http.ErrBodyNotAllowed, http.StatusInternalServerError},
	}
	for _, tt := range tests {
		if got := statusFor(tt.err); got != tt.want {
			t.Errorf("statusFor(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// TestRecoverPanics checks that a handler's panic becomes the 500 page,
// with the security headers, and is logged.
func TestRecoverPanics(t *testing.T) {
	var logs bytes.Buffer
	s := New(nil, slog.New(slog.NewTextHandler(&logs, nil)), Options{})
	h := s.logRequests(s.recoverPanics(securityHeaders(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("the kettle boiled dry")
	}))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/works/1", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
	body := rec.Body.String()
	if !strings.Contains(body, "Something went wrong on our side.") || strings.Contains(body, "kettle") {
		t.Errorf("500 page:\n%s", body)
	}
	if rec.Header().Get("X-Frame-Options") != "DENY" {
		t.Error("the 500 page after a panic lacks the security headers")
	}
	if l := logs.String(); !strings.Contains(l, "the kettle boiled dry") || !strings.Contains(l, "path=/works/1") || !strings.Contains(l, "status=500") {
		t.Errorf("log:\n%s", l)
	}
}
