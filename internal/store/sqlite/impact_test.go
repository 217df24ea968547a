package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/search"
)

// impactCorpus stores n works of Zipf-distributed words (the first ones
// stop words, common enough for impact lists at the thresholds the tests
// set), from a seed. Some works hold letters outside ASCII or other
// numbers, which only FTS5 can split for certain (oracleCounts); lengths
// vary twentyfold; titles repeat words, so weighted counts vary.
func impactCorpus(t *testing.T, s *Store, rng *rand.Rand, n, scale int) []*fanarchive.Work {
	t.Helper()
	vocab := make([]string, 300)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%d", i)
	}
	copy(vocab, strings.Fields("the of kettle rain lamp tide salt harbour letter winter"))
	zipf := rand.NewZipf(rng, 1.07, 2, uint64(len(vocab)-1))
	words := func(k int) string {
		out := make([]string, k)
		for i := range out {
			out[i] = vocab[zipf.Uint64()]
			switch rng.IntN(40) {
			case 0:
				out[i] = strings.ToUpper(out[i][:1]) + out[i][1:]
			case 1:
				out[i] += "é" // café: a word FTS5 folds to "cafe"
			case 2:
				out[i] += "½"
			}
		}
		return strings.Join(out, " ")
	}
	var out []*fanarchive.Work
	for range n {
		w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: words(1 + rng.IntN(4)), Rating: fanarchive.Ratings[rng.IntN(len(fanarchive.Ratings))],
			Authors: []fanarchive.Author{{Name: words(2)}}, Summary: words(rng.IntN(12)),
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>" + words(5+rng.IntN(100*scale)) + "</p>"}}}
		if rng.IntN(10) == 0 {
			w.Kind = fanarchive.KindOther
		}
		if err := s.CreateWork(context.Background(), w); err != nil {
			t.Fatal(err)
		}
		out = append(out, w)
	}
	return out
}

// checkImpacts checks, for every word with an impact list (and the words
// given), that BestText agrees with MatchText and RankText: the same
// matches, scores equal to FTS5's bit for bit, and no other match scoring
// above the bound; built after a build, also that some listed work scores
// above it. It returns how many words had a list.
func checkImpacts(t *testing.T, s *Store, mustNot []search.Clause, built bool) int {
	t.Helper()
	ctx := context.Background()
	var words []string
	rows, err := s.rdb.QueryContext(ctx, `SELECT word FROM text_impact_words ORDER BY word`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			t.Fatal(err)
		}
		words = append(words, w)
	}
	rows.Close()
	for _, word := range words {
		must := []search.Clause{{Text: word}}
		ids, top, err := s.BestText(ctx, must, mustNot)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.MatchText(ctx, must, mustNot)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids) != fmt.Sprint(want) {
			t.Fatalf("%q: BestText matches %v, MatchText %v", word, ids, want)
		}
		if top == nil {
			if plainWord(word) && len(ids) > 0 {
				t.Fatalf("%q has a list but BestText gave no scores", word)
			}
			continue // read by FTS5 as another word, perhaps: not trusted
		}
		ranked, err := s.RankText(ctx, must, mustNot)
		if err != nil {
			t.Fatal(err)
		}
		exact := map[uint32]float64{}
		for _, r := range ranked {
			exact[r.ID] = r.Score
		}
		listed := map[uint32]bool{}
		for _, sc := range top.Scored {
			listed[sc.ID] = true
			if e, ok := exact[sc.ID]; ok && e != sc.Score {
				t.Errorf("%q, work %d: BestText scores %.17g, FTS5 %.17g", word, sc.ID, sc.Score, e)
			}
		}
		above := 0
		for _, r := range ranked {
			if !listed[r.ID] && r.Score > top.Bound {
				t.Errorf("%q: work %d scores %.17g, above the bound %.17g, and is not listed", word, r.ID, r.Score, top.Bound)
			}
			if listed[r.ID] && r.Score > top.Bound {
				above++
			}
		}
		if built && above == 0 {
			t.Errorf("%q: no listed work scores above the bound %.17g", word, top.Bound)
		}
	}
	return len(words)
}

// TestImpactLists checks the impact lists against FTS5 after a build and
// after every kind of write that follows: new works (longer ones, so the
// average length drifts past the build's), edits, deletions and a deleted
// work's ID used again.
func TestImpactLists(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	s.impactMinDocs, s.impactListLen, s.impactGroupRows = 40, 12, 50
	rng := rand.New(rand.NewPCG(7, 11))
	works := impactCorpus(t, s, rng, 400, 1)
	if err := s.BuildTextImpacts(ctx); err != nil {
		t.Fatal(err)
	}
	if n := checkImpacts(t, s, nil, true); n < 10 {
		t.Fatalf("only %d words have lists", n)
	}
	checkImpacts(t, s, []search.Clause{{Text: "rain"}}, false)

	more := impactCorpus(t, s, rng, 150, 3) // longer: the average length grows
	for i, w := range works[:60] {
		switch i % 3 {
		case 0:
			if err := s.DeleteWork(ctx, w.ID); err != nil {
				t.Fatal(err)
			}
		case 1:
			if err := s.UpdateWorkField(ctx, w.ID, fanarchive.FieldTitle, "kettle rain kettle lamp", "archivist"); err != nil {
				t.Fatal(err)
			}
		default:
			if err := s.UpdateWorkField(ctx, w.ID, fanarchive.FieldSummary, "Rain, café and ½ the tide.", "archivist"); err != nil {
				t.Fatal(err)
			}
		}
	}
	last := more[len(more)-1]
	if err := s.DeleteWork(ctx, last.ID); err != nil {
		t.Fatal(err)
	}
	again := impactCorpus(t, s, rng, 1, 1)[0]
	if again.ID != last.ID {
		t.Logf("work ID %d not used again (got %d)", last.ID, again.ID)
	}
	checkImpacts(t, s, nil, false)
	checkImpacts(t, s, []search.Clause{{Text: "the"}}, false)

	// A build over an index holding deleted rows (and a row whose ID was
	// used again) reads FTS5's vocabulary past them.
	if err := s.BuildTextImpacts(ctx); err != nil {
		t.Fatal(err)
	}
	checkImpacts(t, s, nil, true)

	// Reindex rebuilds them.
	if err := s.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	checkImpacts(t, s, nil, true)
}

// TestImpactOnlineBuild checks lists built beside writers: works created,
// edited and deleted after the build's snapshot and between its write
// transactions are listed as if they had been there all along; words no
// longer common lose their lists; a Reindex in the middle wins.
func TestImpactOnlineBuild(t *testing.T) {
	ctx := context.Background()
	for _, reindex := range []bool{false, true} {
		t.Run(fmt.Sprintf("reindex=%v", reindex), func(t *testing.T) {
			s := openTest(t)
			defer s.Close()
			s.impactMinDocs, s.impactListLen, s.impactGroupRows = 40, 10, 25
			rng := rand.New(rand.NewPCG(5, 8))
			works := impactCorpus(t, s, rng, 400, 1)
			if err := s.BuildTextImpacts(ctx); err != nil {
				t.Fatal(err)
			}
			before := checkImpacts(t, s, nil, true)
			s.impactMinDocs = 60 // fewer common words
			calls := 0
			s.impactHook = func() {
				calls++
				if reindex && calls == 3 {
					if err := s.Reindex(ctx, nil); err != nil {
						t.Error(err)
					}
					return
				}
				impactCorpus(t, s, rng, 5, 2)
				// Titles full of common words: these score high.
				w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "the of kettle rain the of kettle rain",
					Rating: fanarchive.RatingGeneral, Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>the rain</p>"}}}
				if err := s.CreateWork(ctx, w); err != nil {
					t.Error(err)
				}
				if err := s.DeleteWork(ctx, works[calls].ID); err != nil {
					t.Error(err)
				}
				if err := s.UpdateWorkField(ctx, works[100+calls].ID, fanarchive.FieldTitle, "Kettle, kettle, w3 w4 w5", "archivist"); err != nil {
					t.Error(err)
				}
			}
			if err := s.BuildTextImpacts(ctx); err != nil {
				t.Fatal(err)
			}
			if calls < 3 {
				t.Fatalf("the build made %d transactions; want several", calls)
			}
			after := checkImpacts(t, s, nil, false)
			if !reindex && after >= before {
				t.Errorf("%d words have lists after the build, %d before: want fewer", after, before)
			}
		})
	}
}

// TestImpactBuildDeleted: a build counts only live rows, even where FTS5
// still holds a deleted row (contentless_delete keeps it until a merge)
// under an ID used again.
func TestImpactBuildDeleted(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	s.impactMinDocs, s.impactListLen = 1, 5
	// No merges: the deleted row stays in its segment, behind a tombstone.
	if _, err := s.db.ExecContext(ctx, `INSERT INTO work_text (work_text, rank) VALUES ('automerge', 0)`); err != nil {
		t.Fatal(err)
	}
	work := func(body string) *fanarchive.Work {
		w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "T", Rating: fanarchive.RatingGeneral,
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>" + body + "</p>"}}}
		if err := s.CreateWork(ctx, w); err != nil {
			t.Fatal(err)
		}
		return w
	}
	work("kettle kettle rain")
	old := work("kettle kettle kettle kettle kettle kettle lamp")
	if err := s.DeleteWork(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	if again := work("kettle lamp"); again.ID != old.ID {
		t.Fatalf("ID %d not used again (got %d)", old.ID, again.ID)
	}
	work("rain")
	if err := s.BuildTextImpacts(ctx); err != nil {
		t.Fatal(err)
	}
	if n := checkImpacts(t, s, nil, true); n != 4 {
		t.Errorf("%d words have lists, want 4", n)
	}
}

// TestEnsureTextImpacts: the lists are built when missing, and again when
// the archive has doubled or its works have grown longer, not otherwise.
func TestEnsureTextImpacts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	s.impactMinDocs, s.impactListLen = 10, 5
	rng := rand.New(rand.NewPCG(1, 2))
	impactCorpus(t, s, rng, 30, 1)
	for i, tc := range []struct {
		add, scale int
		minWorks   int
		want       bool
	}{
		{0, 1, 31, false}, // too few works
		{0, 1, 30, true},  // missing
		{0, 1, 30, false},
		{20, 1, 30, false},
		{20, 1, 30, true}, // 70 works, built with 30
		{10, 1, 30, false},
		{40, 5, 30, true}, // longer works
	} {
		impactCorpus(t, s, rng, tc.add, tc.scale)
		got, err := s.EnsureTextImpacts(ctx, tc.minWorks)
		if err != nil || got != tc.want {
			t.Fatalf("step %d: built %v, %v; want %v", i, got, err, tc.want)
		}
	}
}

// TestAsciiCounts checks the counts of works split here against FTS5's
// for texts that qualify, and that texts which might split otherwise in
// FTS5 do not qualify.
func TestAsciiCounts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	set := &wordSet{index: map[string]int32{}}
	for _, w := range []string{"kettle", "rain", "2", "cafe"} {
		set.add(impactWord{word: w})
	}
	byWord := func(wf map[int32]float64) map[string]float64 {
		out := map[string]float64{}
		for i, f := range wf {
			out[set.words[i].word] = f
		}
		return out
	}
	for _, tc := range []struct {
		text workText
		ok   bool
		want map[string]float64
	}{
		{workText{title: "Kettle", body: "kettle, rain\u2019s KETTLE\u2014rain 2 \U0001F327 x"}, true,
			map[string]float64{"kettle": 12, "rain": 2, "2": 1}},
		{workText{summary: "“Rain”… rain.\u00a0rain"}, true, map[string]float64{"rain": 6}},
		{workText{body: "café"}, false, nil},
		{workText{body: "rain 2½"}, false, nil},
		{workText{body: "rain\u0301"}, false, nil},
		{workText{body: "rain \xff"}, false, nil},
	} {
		got, ok := asciiCounts(tc.text, set)
		if ok != tc.ok || ok && fmt.Sprint(byWord(got)) != fmt.Sprint(tc.want) {
			t.Errorf("asciiCounts(%+v) = %v, %v; want %v, %v", tc.text, got, ok, tc.want, tc.ok)
		}
		if !ok {
			continue
		}
		// FTS5 counts the same.
		err := s.write(ctx, func(tx *sql.Tx) error {
			fts, err := oracleCounts(ctx, tx, tc.text, set)
			if err == nil && fmt.Sprint(byWord(fts)) != fmt.Sprint(byWord(got)) {
				t.Errorf("%+v: FTS5 counts %v, asciiCounts %v", tc.text, fts, got)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkCreateWorkImpact measures what impact lists add to storing a
// work: a ~54 KB story (as BenchmarkCreateWork) stored into an archive
// without lists, with lists for all its words (split here: asciiCounts),
// and with lists when the story holds a letter outside ASCII (split by
// FTS5: oracleCounts).
//
//	go test ./internal/store/sqlite -run '^$' -bench CreateWorkImpact -benchtime 200x
func BenchmarkCreateWorkImpact(b *testing.B) {
	for _, tc := range []struct {
		name   string
		lists  bool
		accent string
	}{{"none", false, ""}, {"ascii", true, ""}, {"accents", true, " Zoë"}} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			// A list for every word, each a few of the 200 works: a new
			// work enters about one in a hundred lists, as it would at
			// scale (a few hundred of the thousands of works with a
			// word).
			s.impactMinDocs, s.impactListLen = 20, 2
			work := func(i int) *fanarchive.Work {
				text := syntheticStory(uint64(i), 54<<10) + tc.accent
				return &fanarchive.Work{Kind: fanarchive.KindFiction, Title: fmt.Sprintf("Story %d", i),
					Authors: []fanarchive.Author{{Name: fmt.Sprintf("Author %d", i%50)}}, Rating: fanarchive.RatingTeen,
					Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>" + text + "</p>"}}}
			}
			for i := range 200 {
				if err := s.CreateWork(ctx, work(i)); err != nil {
					b.Fatal(err)
				}
			}
			if tc.lists {
				if err := s.BuildTextImpacts(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(54 << 10)
			b.ResetTimer()
			for i := range b.N {
				if err := s.CreateWork(ctx, work(1000+i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
