package export

import (
	"bytes"
	"testing"
)

const seedManifest = `{
  "format": "fanarchive-export",
  "version": 1,
  "exported_at": "2026-01-02T03:04:05Z",
  "works": 1,
  "sources": 1,
  "chapters": 1,
  "files": [
    {"path": "sources/0123456789abcdef-a.txt", "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "size": 3},
    {"path": "works/fedcba9876543210.json", "sha256": "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210", "size": 10}
  ]
}
`

const seedWork = `{
  "origin": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  "kind": "fiction",
  "title": "A <Title> & more",
  "authors": ["Ada", "Bo"],
  "summary": "S.",
  "notes": [{"label": "Disclaimer", "text": "Not mine."}],
  "end_notes": [{"label": "Thanks", "text": "All."}],
  "rating": "Mature",
  "rating_original": "R",
  "tags": [{"kind": "fandom", "name": "Tides"}, {"kind": "freeform", "name": "Salt", "inferred": true}],
  "language": "en",
  "words": 2,
  "complete": true,
  "begins": "one two",
  "published": "1997-03-04T05:06:07Z",
  "published_from": "header",
  "updated": "1997-03-04T05:06:07.5Z",
  "duplicate_of": "export:00",
  "restricted": true,
  "series": [{"title": "Tides", "position": 2}],
  "evidence": {"title": {"confidence": 0.5, "via": "byline", "detail": "x"}},
  "problems": ["no rating found"],
  "sources": [{"file": "sources/0123456789abcdef-a.txt", "name": "in/a.txt", "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "size": 3, "encoding": "windows-1252", "archive": "R", "list": "L", "imported_at": "2026-01-02T03:04:05Z"}],
  "chapters": [{"number": 1, "title": "One", "words": 2, "source": 1, "body": "<p>one two</p>", "input_format": "markdown", "input": "one *two*"}]
}
`

// FuzzReadExport feeds the export reader's parsers manifests and work
// files: they must never panic, and what they accept must write back to
// JSON that they accept again, unchanged.
func FuzzReadExport(f *testing.F) {
	f.Add([]byte(seedManifest))
	f.Add([]byte(seedWork))
	f.Add([]byte(seedWork[:len(seedWork)/2]))
	f.Add([]byte(`{"format": "fanarchive-export", "version": 2}`))
	f.Add([]byte(`{"format":"fanarchive-export","version":1,"works":0,"sources":0,"chapters":0,"files":[]} {}`))
	f.Add([]byte(`{"origin":"x","kind":"other","title":"","authors":null,"rating":"Not Rated","words":0,"complete":false,"chapters":[{"number":1,"words":0,"body":""}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := ParseManifest(data); err == nil {
			b, err := encode(m)
			if err != nil {
				t.Fatal(err)
			}
			m2, err := ParseManifest(b)
			if err != nil {
				t.Fatalf("a manifest read back is refused: %v\n%s", err, b)
			}
			if b2, _ := encode(m2); !bytes.Equal(b, b2) {
				t.Fatalf("a manifest changes when read back:\n%s\n%s", b, b2)
			}
		}
		if w, err := ParseWork(data); err == nil {
			b, err := encode(w)
			if err != nil {
				t.Fatal(err)
			}
			w2, err := ParseWork(b)
			if err != nil {
				t.Fatalf("a work read back is refused: %v\n%s", err, b)
			}
			if b2, _ := encode(w2); !bytes.Equal(b, b2) {
				t.Fatalf("a work changes when read back:\n%s\n%s", b, b2)
			}
			_ = w.domain()
		}
	})
}

// TestFuzzSeeds: the fuzz target's seeds are accepted, so that fuzzing
// starts from files the reader reads, not only from refusals.
func TestFuzzSeeds(t *testing.T) {
	if _, err := ParseManifest([]byte(seedManifest)); err != nil {
		t.Errorf("manifest seed: %v", err)
	}
	if _, err := ParseWork([]byte(seedWork)); err != nil {
		t.Errorf("work seed: %v", err)
	}
}
