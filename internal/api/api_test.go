package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"fanarchive"
	"fanarchive/internal/api"
	"fanarchive/internal/search"
	"fanarchive/internal/store/sqlite"
)

// fixture is the API over a real SQLite store with a few works.
type fixture struct {
	srv   *httptest.Server
	store *sqlite.Store
	works []*fanarchive.Work
}

func newFixture(t *testing.T, opts api.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "archive.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{store: st}
	for i, title := range []string{"Salt Road", "Tide Tables", "", "The Long Watch"} {
		w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: title, Rating: fanarchive.RatingTeen,
			Authors: []fanarchive.Author{{Name: []string{"Ada Quill", "Ada Quill", "Bo Lane", "Cy Marsh"}[i]}},
			Summary: "A summary.", Notes: []fanarchive.Note{{Label: "A/N:", Text: "Thanks."}},
			Tags:     []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Harbour Lights"}, {Kind: fanarchive.TagRelationship, Name: []string{"Ada/Bo", "Bo/Ada", "Cy/Di", "Ada/Bo"}[i]}},
			Language: "en", Complete: i%2 == 0, Published: time.Date(1996, 1, 1+i, 0, 0, 0, 0, time.UTC),
			Chapters: []*fanarchive.Chapter{{Number: 1, Title: "One", Body: "<p>The keeper lit the lamp.</p>"}, {Number: 2, Body: "<p>The tide came in.</p>"}}}
		if err := st.CreateWork(ctx, w); err != nil {
			t.Fatal(err)
		}
		f.works = append(f.works, w)
	}
	engine, err := search.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.Search = engine
	f.srv = httptest.NewServer(api.New(st, nil, opts))
	t.Cleanup(f.srv.Close)
	return f
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (f *fixture) get(t *testing.T, path string, header ...string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, b}
}

// description is the OpenAPI document, parsed.
type description struct {
	Paths map[string]map[string]struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema json.RawMessage `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
}

// TestOpenAPICoversRoutes: every route the API registers is described, and
// nothing is described that is not a route.
func TestOpenAPICoversRoutes(t *testing.T) {
	var doc description
	if err := json.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	routes := map[string]bool{}
	for _, rt := range api.Routes() {
		key := strings.ToLower(rt.Method) + " " + rt.Pattern
		routes[key] = true
		if _, ok := doc.Paths[rt.Pattern][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("%s %s is not in openapi.json", rt.Method, rt.Pattern)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !routes[method+" "+path] {
				t.Errorf("openapi.json describes %s %s, which is no route", method, path)
			}
		}
	}
}

// TestResponsesMatchOpenAPI sends requests to every route — good ones,
// and bad parameters — and validates every response body against the
// schema openapi.json gives for its path, status and content type.
func TestResponsesMatchOpenAPI(t *testing.T) {
	f := newFixture(t, api.Options{})
	var raw any
	if err := json.Unmarshal(api.OpenAPI, &raw); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("https://fanarchive.invalid/openapi.json", raw); err != nil {
		t.Fatal(err)
	}
	var doc description
	json.Unmarshal(api.OpenAPI, &doc) //nolint:errcheck // parsed above
	id := fmt.Sprint(f.works[0].ID)
	ctx := context.Background()
	maker := &fanarchive.User{Name: "Series Maker", Email: "series.maker@example.net", EmailConfirmed: true, PasswordHash: "x"}
	if err := f.store.CreateUser(ctx, maker, nil, nil); err != nil {
		t.Fatal(err)
	}
	series := &fanarchive.Series{Title: "Harbour Cycle", Summary: "Two stories.", CreatedBy: maker.ID}
	if err := f.store.CreateSeries(ctx, series); err != nil {
		t.Fatal(err)
	}
	for _, w := range f.works[:2] {
		if err := f.store.AddWorkToSeries(ctx, series.ID, w.ID, 0, maker.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		path, template string
		status         int
	}{
		{fmt.Sprintf("/api/v1/series/%d", series.ID), "/api/v1/series/{id}", 200},
		{"/api/v1/series/999999", "/api/v1/series/{id}", 404},
		{"/api/v1/series/abc", "/api/v1/series/{id}", 404},
		{"/api/v1/openapi.json", "/api/v1/openapi.json", 200},
		{"/api/v1/works", "/api/v1/works", 200},
		{"/api/v1/works?q=keeper&include=fandom:Harbour+Lights&rating=Teen&complete=1&limit=2", "/api/v1/works", 200},
		{"/api/v1/works?limit=1&sort=title", "/api/v1/works", 200},
		{"/api/v1/works?limit=0", "/api/v1/works", 400},
		{"/api/v1/works?limit=101", "/api/v1/works", 400},
		{"/api/v1/works?limit=abc", "/api/v1/works", 400},
		{"/api/v1/works?sort=sideways", "/api/v1/works", 400},
		{"/api/v1/works?cursor=garbage", "/api/v1/works", 400},
		{"/api/v1/works?words_min=-5", "/api/v1/works", 400},
		{"/api/v1/works?from=yesterday", "/api/v1/works", 400},
		{"/api/v1/works?rating=Sideways", "/api/v1/works", 400},
		{"/api/v1/works/" + id, "/api/v1/works/{id}", 200},
		{"/api/v1/works/" + id + "?text=1", "/api/v1/works/{id}", 200},
		{"/api/v1/works/" + id + "?text=maybe", "/api/v1/works/{id}", 400},
		{"/api/v1/works/999999", "/api/v1/works/{id}", 404},
		{"/api/v1/works/-1", "/api/v1/works/{id}", 404},
		{"/api/v1/works/99999999999999999999999", "/api/v1/works/{id}", 404},
		{"/api/v1/works/" + id + "/chapters/2", "/api/v1/works/{id}/chapters/{n}", 200},
		{"/api/v1/works/" + id + "/chapters/3", "/api/v1/works/{id}/chapters/{n}", 404},
		{"/api/v1/works/" + id + "/chapters/1?page=2", "/api/v1/works/{id}/chapters/{n}", 400},
		{"/api/v1/authors/Ada%20Quill", "/api/v1/authors/{name}", 200},
		{"/api/v1/authors/Ada%20Quill?limit=1", "/api/v1/authors/{name}", 200},
		{"/api/v1/authors/Ada%20Quill?cursor=x9", "/api/v1/authors/{name}", 400},
		{"/api/v1/authors/Nobody", "/api/v1/authors/{name}", 404},
		{"/api/v1/tags", "/api/v1/tags", 200},
		{"/api/v1/tags?kind=relationship&limit=1", "/api/v1/tags", 200},
		{"/api/v1/tags?kind=pairing", "/api/v1/tags", 400},
		{"/api/v1/tags/relationship/Bo%2FAda", "/api/v1/tags/{kind}/{name}", 200},
		{"/api/v1/tags/relationship/Ada%2FBo", "/api/v1/tags/{kind}/{name}", 200},
		{"/api/v1/tags/pairing/x", "/api/v1/tags/{kind}/{name}", 404},
		{"/api/v1/tags/fandom/None", "/api/v1/tags/{kind}/{name}", 404},
	} {
		res := f.get(t, tt.path)
		if res.status != tt.status {
			t.Errorf("GET %s: status %d, want %d: %s", tt.path, res.status, tt.status, res.body)
			continue
		}
		ct, _, _ := strings.Cut(res.header.Get("Content-Type"), ";")
		content, ok := doc.Paths[tt.template]["get"].Responses[fmt.Sprint(tt.status)].Content[ct]
		if !ok {
			t.Errorf("GET %s: openapi.json has no %d response of %s", tt.path, tt.status, ct)
			continue
		}
		_ = content
		ptr := "#/paths/" + escapePointer(tt.template) + "/get/responses/" + fmt.Sprint(tt.status) + "/content/" + escapePointer(ct) + "/schema"
		sch, err := c.Compile("https://fanarchive.invalid/openapi.json" + ptr)
		if err != nil {
			t.Fatalf("compile %s: %v", ptr, err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(res.body))
		if err != nil {
			t.Errorf("GET %s: not JSON: %v", tt.path, err)
			continue
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("GET %s: the response does not match openapi.json: %v\n%s", tt.path, err, res.body)
		}
		for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
			if res.header.Get(h) == "" {
				t.Errorf("GET %s: no %s", tt.path, h)
			}
		}
	}
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// TestAPIContent checks what the main routes say: search with filters and
// cursors, a work with and without text, synonyms, ETags and 304s.
func TestAPIContent(t *testing.T) {
	f := newFixture(t, api.Options{})
	var list api.WorkList
	res := f.get(t, "/api/v1/works?limit=2&sort=title")
	json.Unmarshal(res.body, &list) //nolint:errcheck // checked below
	if list.Total != 4 || len(list.Works) != 2 || list.Next == "" {
		t.Fatalf("page 1: %+v", list)
	}
	var page2 api.WorkList
	json.Unmarshal(f.get(t, "/api/v1/works?limit=2&sort=title&cursor="+list.Next).body, &page2) //nolint:errcheck // checked below
	if len(page2.Works) != 2 || page2.Works[0].ID == list.Works[0].ID || page2.Next != "" {
		t.Errorf("page 2: %+v", page2)
	}
	json.Unmarshal(f.get(t, "/api/v1/works?include=relationship:Ada/Bo").body, &list) //nolint:errcheck // checked below
	if list.Total != 3 {
		t.Errorf("Ada/Bo and its synonym Bo/Ada: %d works, want 3", list.Total)
	}
	var w api.Work
	json.Unmarshal(f.get(t, fmt.Sprintf("/api/v1/works/%d?text=1", f.works[2].ID)).body, &w) //nolint:errcheck // checked below
	if w.Title != "Untitled" || len(w.Chapters) != 2 || w.Chapters[1].Text != "<p>The tide came in.</p>" || w.Tags.Fandoms[0] != "Harbour Lights" {
		t.Errorf("work: %+v", w)
	}
	if body := string(f.get(t, fmt.Sprintf("/api/v1/works/%d", f.works[2].ID)).body); strings.Contains(body, "tide came in") ||
		strings.Contains(body, "evidence") || strings.Contains(body, "feedback") {
		t.Errorf("a work without ?text=1 carries text or private fields: %s", body)
	}
	var tag api.Tag
	json.Unmarshal(f.get(t, "/api/v1/tags/relationship/Bo%2FAda").body, &tag) //nolint:errcheck // checked below
	if tag.Canonical != "Ada/Bo" || strings.Join(tag.Synonyms, ",") != "Bo/Ada" || tag.Works != 3 {
		t.Errorf("tag: %+v", tag)
	}
	first := f.get(t, "/api/v1/works")
	etag := first.header.Get("ETag")
	if etag == "" || f.get(t, "/api/v1/works", "If-None-Match", etag).status != http.StatusNotModified {
		t.Errorf("ETag %q does not give a 304", etag)
	}
	for _, bad := range []string{`"x`, "W/", strings.Repeat(",", 5000)} {
		if r := f.get(t, "/api/v1/works", "If-None-Match", bad); r.status != http.StatusOK {
			t.Errorf("If-None-Match %.20q: %d", bad, r.status)
		}
	}
	if r := f.get(t, "/api/v1/nothing"); r.status != 404 || r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("an unknown route: %d %s", r.status, r.header.Get("Content-Type"))
	}
}

// TestRateLimit: a client past its limit is told to wait, with the
// headers saying where it stands; another client is not.
func TestRateLimit(t *testing.T) {
	client := "a"
	f := newFixture(t, api.Options{RequestsPerMinute: 5, ClientIP: func(*http.Request) string { return client }})
	for i := range 5 {
		res := f.get(t, "/api/v1/tags")
		if res.status != 200 || res.header.Get("RateLimit-Remaining") != fmt.Sprint(4-i) {
			t.Fatalf("request %d: %d, remaining %s", i+1, res.status, res.header.Get("RateLimit-Remaining"))
		}
	}
	res := f.get(t, "/api/v1/tags")
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" ||
		!regexp.MustCompile(`"status":429`).Match(res.body) {
		t.Errorf("the sixth request: %d, Retry-After %q, %s", res.status, res.header.Get("Retry-After"), res.body)
	}
	client = "b"
	if res := f.get(t, "/api/v1/tags"); res.status != 200 {
		t.Errorf("another client: %d", res.status)
	}
}
