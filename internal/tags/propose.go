package tags

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"fanarchive"
)

// Proposal suggests making Name a synonym of Canonical (both of Kind), with
// the reason in words an archivist can check.
type Proposal struct {
	Kind      fanarchive.TagKind `json:"kind"`
	Name      string             `json:"name"`
	Canonical string             `json:"canonical"`
	Reason    string             `json:"reason"`
	// Works is how many works use Name: the number that would move.
	Works int `json:"works"`
}

// ProposeSynonyms returns the synonyms an archivist should consider among
// usages (as TagService.TagUsages returns them), sorted by kind and name. It
// never proposes a pair that is already wrangled together. The rules, each
// named in Reason:
//
//   - spelling: the same name apart from case, spacing or the order of names
//     in a relationship (Norm), for tags stored before they were merged
//     automatically; the most used becomes canonical.
//   - punctuation: the same words apart from punctuation or a leading
//     article ("The X-Files", "X Files"); the most used becomes canonical.
//   - short name: a character whose words are all in exactly one other
//     character's name, used in the same fandom ("Clark" and "Clark Kent"),
//     or a relationship whose every name is short for a name of exactly one
//     other relationship with the same separator, in the same fandom
//     ("Clark/Lex" and "Clark Kent/Lex Luthor"); the fuller name becomes
//     canonical.
func ProposeSynonyms(usages []fanarchive.TagUsage) []Proposal {
	p := &proposer{byKey: map[string]*fanarchive.TagUsage{}, done: map[string]bool{}}
	for i := range usages {
		u := &usages[i]
		p.byKey[string(u.Kind)+"\x00"+u.Name] = u
	}
	p.group(usages, Norm, "the same name apart from case, spacing or the order of names")
	p.group(usages, loose, "the same words apart from punctuation or a leading article")
	p.shortNames(usages)
	slices.SortFunc(p.out, func(a, b Proposal) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	return p.out
}

// qualifier matches a parenthesised disambiguation in a tag name.
var qualifier = regexp.MustCompile(`\([^()]*\)`)

type proposer struct {
	byKey map[string]*fanarchive.TagUsage
	done  map[string]bool // kind + name already proposed
	out   []Proposal
}

// root returns the canonical name a usage resolves to.
func (p *proposer) root(u *fanarchive.TagUsage) string {
	if u.Canonical != "" {
		return u.Canonical
	}
	return u.Name
}

// add records a proposal unless name is already proposed or already resolves
// to the same canonical as target.
func (p *proposer) add(u, target *fanarchive.TagUsage, reason string) {
	key := string(u.Kind) + "\x00" + u.Name
	if p.done[key] || u.Canonical != "" || p.root(u) == p.root(target) {
		return
	}
	p.done[key] = true
	p.out = append(p.out, Proposal{Kind: u.Kind, Name: u.Name, Canonical: p.root(target), Reason: reason, Works: u.Works})
}

// group proposes, within each set of canonical tags of a kind that share
// key, the less used ones as synonyms of the most used.
func (p *proposer) group(usages []fanarchive.TagUsage, key func(fanarchive.TagKind, string) string, reason string) {
	groups := map[string][]*fanarchive.TagUsage{}
	var order []string
	for i := range usages {
		u := &usages[i]
		if u.Canonical != "" {
			continue
		}
		k := string(u.Kind) + "\x00" + key(u.Kind, u.Name)
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], u)
	}
	for _, k := range order {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		best := slices.MaxFunc(g, func(a, b *fanarchive.TagUsage) int {
			return cmp.Or(cmp.Compare(a.Works, b.Works), cmp.Compare(b.Name, a.Name))
		})
		for _, u := range g {
			if u != best {
				p.add(u, best, fmt.Sprintf("%q and %q are %s.", u.Name, best.Name, reason))
			}
		}
	}
}

// shortNames proposes characters and relationships written with short names
// as synonyms of the one fuller name they can stand for in a shared fandom.
func (p *proposer) shortNames(usages []fanarchive.TagUsage) {
	var chars, rels []*fanarchive.TagUsage
	for i := range usages {
		switch u := &usages[i]; u.Kind {
		case fanarchive.TagCharacter:
			chars = append(chars, u)
		case fanarchive.TagRelationship:
			rels = append(rels, u)
		}
	}
	for _, short := range chars {
		var found []*fanarchive.TagUsage
		for _, full := range chars {
			if full != short && full.Canonical == "" && subsetWords(short.Name, full.Name) && sharedFandom(short, full) != "" {
				found = append(found, full)
			}
		}
		if len(found) == 1 {
			p.add(short, found[0], fmt.Sprintf("%q is short for %q, and both are used in %s.",
				short.Name, found[0].Name, sharedFandom(short, found[0])))
		}
	}
	for _, short := range rels {
		var found []*fanarchive.TagUsage
		for _, full := range rels {
			if full != short && full.Canonical == "" && shortPairing(short.Name, full.Name) && sharedFandom(short, full) != "" {
				found = append(found, full)
			}
		}
		if len(found) == 1 {
			p.add(short, found[0], fmt.Sprintf("%q names the same people as %q, and both are used in %s.",
				short.Name, found[0].Name, sharedFandom(short, found[0])))
		}
	}
}

// subsetWords reports whether every word of short is a word of full and
// full has more words. A qualifier in parentheses ("Lex Luthor
// (Alternate)") does not count: it tells two characters apart rather than
// naming one more fully.
func subsetWords(short, full string) bool {
	sw, fw := words(short), words(qualifier.ReplaceAllString(full, " "))
	if len(sw) == 0 || len(sw) >= len(fw) {
		return false
	}
	for _, w := range sw {
		if !slices.Contains(fw, w) {
			return false
		}
	}
	return true
}

// shortPairing reports whether two relationships use the same separator and
// number of names, and each name of short is a name of full or short for a
// different one of its names, at least one of them strictly.
func shortPairing(short, full string) bool {
	sep := "/"
	if !strings.Contains(short, "/") {
		sep = "&"
	}
	if !strings.Contains(short, sep) || !strings.Contains(full, sep) ||
		strings.Contains(short, "/") && strings.Contains(short, "&") {
		return false
	}
	sp, fp := strings.Split(short, sep), strings.Split(full, sep)
	if len(sp) != len(fp) {
		return false
	}
	used := make([]bool, len(fp))
	strict := false
	for _, s := range sp {
		matched := false
		for j, f := range fp {
			if used[j] {
				continue
			}
			if same := slices.Equal(words(s), words(f)); same || subsetWords(s, f) {
				used[j], matched, strict = true, true, strict || !same
				break
			}
		}
		if !matched {
			return false
		}
	}
	return strict
}

// sharedFandom returns a fandom both tags are used in, or "".
func sharedFandom(a, b *fanarchive.TagUsage) string {
	for _, f := range a.Fandoms {
		if slices.Contains(b.Fandoms, f) {
			return f
		}
	}
	return ""
}
