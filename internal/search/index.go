package search

import (
	"cmp"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"

	"fanarchive"
	"fanarchive/internal/tags"
)

// index is the in-memory part of the Engine. Works and tags are addressed
// by their database IDs, which must fit in 32 bits. An index is changed only
// under the Engine's write lock.
type index struct {
	docs   []docRec      // by work ID
	titles arena[byte]   // lower-cased titles, docRec.title* point here
	fwd    arena[uint32] // tag IDs of each work, docRec.tag* point here

	live       *roaring.Bitmap // listed works
	restricted *roaring.Bitmap // listed works for logged-in readers only
	ratings    map[fanarchive.Rating]*roaring.Bitmap
	complete   *roaring.Bitmap
	langs      map[string]*roaring.Bitmap // by lower-case language

	tags    []tagRec            // by tag ID
	canonID []uint32            // by tag ID: its canonical, 0 for no such tag (small, for the facet loop)
	byNorm  map[string][]uint32 // kind + "\x00" + tags.Norm → tag IDs
	canon   []*roaring.Bitmap   // by canonical tag ID: listed works with it or a synonym

	orders [numOrders][]uint32 // listed works in each stored order

	// byCount lists the canonical tags of each facet kind, most used first,
	// so facet counting can stop early.
	byCount map[fanarchive.TagKind][]uint32

	// dense are bit arrays of the most used canonical tags, equal to
	// their canon bitmaps, for counting facets of large results (dense.go).
	dense denseSets

	// Result sizes at which facets and pages switch strategy (facet.go,
	// page.go).
	scanLimit, materializeLimit int
	// scanNanos is the expected time of a facet scan per 1024 works,
	// timed as scans run (facet.go).
	scanNanos atomic.Int64

	scratch []uint32 // put's buffer
}

// docRec is what the index keeps of one work: 40 bytes.
type docRec struct {
	updated, published int64 // Unix seconds
	words              uint32
	titleOff, tagOff   uint32
	titleLen, tagLen   uint16
	rating             uint8 // index in fanarchive.Ratings + 1; 0 for no record
	listed, complete   bool
}

// tagRec is one tag. canon is the tag's own ID when it is canonical.
type tagRec struct {
	kind  fanarchive.TagKind
	name  string
	canon uint32
}

// Stored orders. Relevance is computed per query instead.
const (
	orderUpdated = iota
	orderPublished
	orderWords
	orderTitle
	numOrders
)

// facetKinds are the tag kinds a search counts, in the order pages show
// them.
var facetKinds = []fanarchive.TagKind{
	fanarchive.TagFandom, fanarchive.TagRelationship, fanarchive.TagCharacter, fanarchive.TagFreeform,
	fanarchive.TagWarning, fanarchive.TagCategory,
}

func newIndex() *index {
	ix := &index{
		live:       roaring.New(),
		restricted: roaring.New(),
		ratings:    map[fanarchive.Rating]*roaring.Bitmap{},
		complete:   roaring.New(),
		langs:      map[string]*roaring.Bitmap{},
		byNorm:     map[string][]uint32{},
		byCount:    map[fanarchive.TagKind][]uint32{},
		dense:      denseSets{},

		scanLimit:        defaultScanLimit,
		materializeLimit: defaultMaterializeLimit,
	}
	for _, r := range fanarchive.Ratings {
		ix.ratings[r] = roaring.New()
	}
	ix.scanNanos.Store(defaultScanNanos)
	return ix
}

// setTags replaces the tag table. Canonical bitmaps must be rebuilt after
// (rebuildCanon) unless no work is indexed yet.
func (ix *index) setTags(rows []TagRow) {
	ix.tags, ix.canonID = nil, nil
	clear(ix.byNorm)
	for _, r := range rows {
		ix.putTag(r)
	}
}

// putTag adds or replaces one tag.
func (ix *index) putTag(r TagRow) {
	id := uint32(r.ID)
	if int(id) >= len(ix.tags) {
		ix.tags = slices.Grow(ix.tags, int(id)+1-len(ix.tags))[:id+1]
		ix.canonID = slices.Grow(ix.canonID, int(id)+1-len(ix.canonID))[:id+1]
	}
	old := ix.tags[id]
	if old.name != "" {
		key := normKey(old.kind, old.name)
		ix.byNorm[key] = slices.DeleteFunc(ix.byNorm[key], func(x uint32) bool { return x == id })
	}
	canon := id
	if r.Canonical != 0 {
		canon = uint32(r.Canonical)
	}
	ix.tags[id] = tagRec{kind: r.Kind, name: r.Name, canon: canon}
	ix.canonID[id] = canon
	key := normKey(r.Kind, r.Name)
	ix.byNorm[key] = append(ix.byNorm[key], id)
	if int(canon) >= len(ix.canon) {
		ix.canon = slices.Grow(ix.canon, int(canon)+1-len(ix.canon))[:canon+1]
	}
}

func normKey(kind fanarchive.TagKind, name string) string {
	return string(kind) + "\x00" + tags.Norm(kind, name)
}

// canonOf returns the canonical ID of a tag, or the tag itself when it is
// unknown.
func (ix *index) canonOf(id uint32) uint32 {
	if int(id) < len(ix.canonID) && ix.canonID[id] != 0 {
		return ix.canonID[id]
	}
	return id
}

// canonBitmap returns the works with the canonical tag c, or nil.
func (ix *index) canonBitmap(c uint32) *roaring.Bitmap {
	if int(c) < len(ix.canon) {
		return ix.canon[c]
	}
	return nil
}

// docTags returns the tag IDs of a work.
func (ix *index) docTags(d *docRec) []uint32 {
	return ix.fwd.get(d.tagOff, int(d.tagLen))
}

// title returns the lower-cased title of a work.
func (ix *index) title(d *docRec) []byte {
	return ix.titles.get(d.titleOff, int(d.titleLen))
}

// put stores a work's record, replacing any earlier one, and adds it to the
// bitmaps if it is listed. Orders are not touched.
func (ix *index) put(doc Doc) {
	id := uint32(doc.ID)
	if int(id) >= len(ix.docs) {
		ix.docs = slices.Grow(ix.docs, int(id)+1-len(ix.docs))[:id+1]
	}
	ix.remove(id)
	title := strings.ToLower(doc.Title)
	if len(title) > 0xFFFF {
		title = title[:0xFFFF]
	}
	n := min(len(doc.Tags), 0xFFFF)
	tagIDs := ix.scratch[:0]
	for _, t := range doc.Tags[:n] {
		tagIDs = append(tagIDs, uint32(t))
	}
	ix.scratch = tagIDs
	d := docRec{
		updated:   doc.Updated.Unix(),
		published: doc.Published.Unix(),
		words:     uint32(min(max(doc.Words, 0), 1<<32-1)),
		titleOff:  ix.titles.add([]byte(title)),
		titleLen:  uint16(len(title)),
		tagOff:    ix.fwd.add(tagIDs),
		rating:    uint8(slices.Index(fanarchive.Ratings, doc.Rating) + 1),
		listed:    doc.Listed,
		complete:  doc.Complete,
	}
	if d.rating == 0 {
		d.rating = uint8(slices.Index(fanarchive.Ratings, fanarchive.RatingNotRated) + 1)
	}
	d.tagLen = uint16(n)
	ix.docs[id] = d
	if !d.listed {
		return
	}
	ix.live.Add(id)
	if doc.Restricted {
		ix.restricted.Add(id)
	}
	ix.ratings[fanarchive.Ratings[d.rating-1]].Add(id)
	if d.complete {
		ix.complete.Add(id)
	}
	if doc.Language != "" {
		lang := strings.ToLower(doc.Language)
		if ix.langs[lang] == nil {
			ix.langs[lang] = roaring.New()
		}
		ix.langs[lang].Add(id)
	}
	for _, t := range ix.docTags(&d) {
		c := ix.canonOf(t)
		if int(c) >= len(ix.canon) {
			ix.canon = slices.Grow(ix.canon, int(c)+1-len(ix.canon))[:c+1]
		}
		if ix.canon[c] == nil {
			ix.canon[c] = roaring.New()
		}
		ix.canon[c].Add(id)
		ix.dense.add(c, id)
	}
}

// remove takes a work out of the bitmaps. Its record stays, unlisted, so a
// cursor naming it can still be placed.
func (ix *index) remove(id uint32) {
	if int(id) >= len(ix.docs) {
		return
	}
	d := &ix.docs[id]
	if !d.listed {
		return
	}
	d.listed = false
	ix.live.Remove(id)
	ix.restricted.Remove(id)
	for _, b := range ix.ratings {
		b.Remove(id)
	}
	ix.complete.Remove(id)
	for _, b := range ix.langs {
		b.Remove(id)
	}
	for _, t := range ix.docTags(d) {
		c := ix.canonOf(t)
		if b := ix.canonBitmap(c); b != nil {
			b.Remove(id)
		}
		ix.dense.remove(c, id)
	}
}

// rebuildCanon recomputes every canonical bitmap from the forward index,
// after synonyms changed.
func (ix *index) rebuildCanon() {
	for i := range ix.canon {
		ix.canon[i] = nil
	}
	clear(ix.dense)
	it := ix.live.Iterator()
	for it.HasNext() {
		id := it.Next()
		for _, t := range ix.docTags(&ix.docs[id]) {
			c := ix.canonOf(t)
			if int(c) >= len(ix.canon) {
				ix.canon = slices.Grow(ix.canon, int(c)+1-len(ix.canon))[:c+1]
			}
			if ix.canon[c] == nil {
				ix.canon[c] = roaring.New()
			}
			ix.canon[c].Add(id)
		}
	}
}

// rebuildCounts re-sorts the facet kinds' canonical tags by use.
func (ix *index) rebuildCounts() {
	for _, k := range facetKinds {
		ix.byCount[k] = ix.byCount[k][:0]
	}
	for c, b := range ix.canon {
		if b == nil || b.IsEmpty() || c >= len(ix.tags) {
			continue
		}
		kind := ix.tags[c].kind
		if _, ok := ix.byCount[kind]; ok {
			ix.byCount[kind] = append(ix.byCount[kind], uint32(c))
		}
	}
	card := func(c uint32) uint64 { return ix.canon[c].GetCardinality() }
	for _, k := range facetKinds {
		slices.SortFunc(ix.byCount[k], func(a, b uint32) int {
			return cmp.Or(cmp.Compare(card(b), card(a)), cmp.Compare(a, b))
		})
	}
	ix.refreshDense()
}

// arena holds many small slices in large fixed-size chunks, addressed by
// one 32-bit offset, so that a million works' tags cost one allocation per
// chunk and growing never copies what is already stored (a single slice
// doubling would briefly need twice the memory). A slice never spans two
// chunks.
type arena[T any] struct {
	chunks [][]T
}

// arenaBits is the size of a chunk: 1 << arenaBits elements.
const arenaBits = 20

// add copies v into the arena and returns its offset.
func (a *arena[T]) add(v []T) uint32 {
	size := 1 << arenaBits
	if len(v) > size {
		v = v[:size]
	}
	last := len(a.chunks) - 1
	if last < 0 || len(a.chunks[last])+len(v) > size {
		a.chunks = append(a.chunks, make([]T, 0, size))
		last++
	}
	off := uint32(last)<<arenaBits | uint32(len(a.chunks[last]))
	a.chunks[last] = append(a.chunks[last], v...)
	return off
}

// get returns the n elements stored at off.
func (a *arena[T]) get(off uint32, n int) []T {
	c := a.chunks[off>>arenaBits]
	i := int(off & (1<<arenaBits - 1))
	return c[i : i+n : i+n]
}
