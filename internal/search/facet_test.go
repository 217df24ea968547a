package search

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"fanarchive"
)

// bandSource is 2,000 works, each with a fandom (one of three) and four
// of forty freeform tags.
func bandSource() *memSource {
	m := &memSource{}
	for i := int64(1); i <= 3; i++ {
		m.tags = append(m.tags, TagRow{ID: i, Kind: fanarchive.TagFandom, Name: fmt.Sprint("fandom ", i)})
	}
	for i := int64(10); i < 50; i++ {
		m.tags = append(m.tags, TagRow{ID: i, Kind: fanarchive.TagFreeform, Name: fmt.Sprint("freeform ", i)})
	}
	for id := int64(1); id <= 2000; id++ {
		tags := []int64{1 + id%3}
		for k := int64(0); k < 4; k++ {
			tags = append(tags, 10+(id*(k+1)+k*k)%40)
		}
		m.docs = append(m.docs, Doc{ID: id, Listed: true, Title: fmt.Sprint("w", id), Rating: fanarchive.RatingGeneral,
			Updated: time.Unix(id*1000, 0), Published: time.Unix(id*1000, 0), Tags: tags})
	}
	return m
}

// TestFacetsBetweenLimits checks the results between a quarter of the
// scan limit and the limit: the intersections count them when they finish
// within their budget, the scan when they do not, and both give the counts
// a scan alone gives.
func TestFacetsBetweenLimits(t *testing.T) {
	ctx := context.Background()
	want := func() []fanarchive.Facet {
		e, err := New(ctx, bandSource(), nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Search(ctx, fanarchive.SearchQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Facets
	}()
	for _, tt := range []struct {
		name      string
		scanNanos int64
		scanned   bool
	}{
		{"no time for the intersections: scanned", 0, true},
		{"all the time they need: intersected", 1 << 50, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(ctx, bandSource(), nil)
			if err != nil {
				t.Fatal(err)
			}
			e.SetLimits(4000, defaultMaterializeLimit) // 2,000 works: between 1,000 and 4,000
			e.ix.scanNanos.Store(tt.scanNanos)
			res, err := e.Search(ctx, fanarchive.SearchQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.Facets, want) {
				t.Errorf("facets\n%+v\nwant\n%+v", res.Facets, want)
			}
			if scanned := e.ix.scanNanos.Load() != tt.scanNanos; scanned != tt.scanned {
				t.Errorf("scanned %v, want %v", scanned, tt.scanned)
			}
		})
	}
}
