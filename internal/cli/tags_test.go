package cli

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/search"
	"fanarchive/internal/tags"
)

// seedTags stores works whose tags need wrangling, in a fresh data
// directory, and returns it.
func seedTags(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	store, err := openDatabase(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for i, rel := range []string{"Clark Kent/Lex Luthor", "Clark Kent/Lex Luthor", "Clark/Lex", "hurt comfort"} {
		kind := fanarchive.TagRelationship
		if i == 3 {
			kind = fanarchive.TagFreeform
		}
		w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "W" + string(rune('a'+i)), Rating: fanarchive.RatingGeneral,
			Tags:     []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Smallville"}, {Kind: kind, Name: rel}},
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>Meteor rocks.</p>"}}}
		if err := store.CreateWork(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestTagsCommands(t *testing.T) {
	dir := seedTags(t)
	env := map[string]string{"FANARCHIVE_DATA": dir, "FANARCHIVE_LOG": "error"}
	ctx := context.Background()

	m, out, _ := testMain(env)
	if err := m.Run(ctx, []string{"tags", "suggest", "--json"}); err != nil {
		t.Fatal(err)
	}
	var p tags.Proposal
	if err := json.Unmarshal([]byte(strings.SplitN(out.String(), "\n", 2)[0]), &p); err != nil {
		t.Fatalf("suggest --json: %v\n%s", err, out)
	}
	if p.Name != "Clark/Lex" || p.Canonical != "Clark Kent/Lex Luthor" || p.Reason == "" {
		t.Errorf("proposal = %+v", p)
	}
	m, out, _ = testMain(env)
	if err := m.Run(ctx, []string{"tags", "suggest"}); err != nil || !strings.Contains(out.String(), "fanarchive tags synonym relationship 'Clark/Lex' 'Clark Kent/Lex Luthor'") {
		t.Errorf("suggest: %v\n%s", err, out)
	}

	for _, args := range [][]string{
		{"tags", "synonym", "relationship", "Clark/Lex", "Clark Kent/Lex Luthor"},
		{"tags", "rename", "freeform", "hurt comfort", "Hurt/Comfort"},
		{"tags", "merge", "--data", dir, "relationship", "Clark/Lex", "Clark Kent/Lex Luthor"},
		{"reindex"},
		{"reindex", "-impacts"},
	} {
		m, out, errOut := testMain(env)
		if err := m.Run(ctx, args); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errOut)
		}
		if out.String() == "" {
			t.Errorf("%v printed nothing", args)
		}
	}

	store, err := openDatabase(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if tag, err := store.FindTag(ctx, fanarchive.TagRelationship, "Clark/Lex"); err != nil || tag.Canonical != "Clark Kent/Lex Luthor" {
		t.Errorf("after synonym: %+v, %v", tag, err)
	}
	if _, err := store.FindTag(ctx, fanarchive.TagFreeform, "Hurt/Comfort"); err != nil {
		t.Errorf("after rename: %v", err)
	}
	engine, err := search.New(ctx, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Search(ctx, fanarchive.SearchQuery{Text: "meteor",
		Include: []fanarchive.Tag{{Kind: fanarchive.TagRelationship, Name: "Clark Kent/Lex Luthor"}}})
	if err != nil || res.Total != 3 {
		t.Errorf("after merge and reindex, search finds %v, %v; want 3 works", res, err)
	}
}

func TestTagsUsage(t *testing.T) {
	dir := seedTags(t)
	env := map[string]string{"FANARCHIVE_DATA": dir, "FANARCHIVE_LOG": "error"}
	for _, args := range [][]string{{"tags", "--help"}, {"tags", "synonym", "--help"}, {"tags", "suggest", "-h"}, {"reindex", "--help"}, {"help", "tags"}} {
		m, out, _ := testMain(env)
		if err := m.Run(context.Background(), args); err != nil || !strings.Contains(out.String(), "Usage:") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
	for _, args := range [][]string{{"tags"}, {"tags", "frob"}, {"tags", "synonym", "relationship", "x"}, {"reindex", "extra"}} {
		m, _, _ := testMain(env)
		var exit *ExitError
		if err := m.Run(context.Background(), args); !errors.As(err, &exit) || exit.Code != ExitUsage {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
	// Mistakes the store reports come back as its errors, with their codes.
	for _, tt := range []struct {
		args []string
		code string
	}{
		{[]string{"tags", "synonym", "relationship", "Nobody/Else", "Clark/Lex"}, fanarchive.ENOTFOUND},
		{[]string{"tags", "rename", "pairing", "a", "b"}, fanarchive.EINVALID},
		{[]string{"tags", "rename", "relationship", "Clark/Lex", "Clark Kent/Lex Luthor"}, fanarchive.ECONFLICT},
	} {
		m, _, _ := testMain(env)
		if err := m.Run(context.Background(), tt.args); fanarchive.ErrorCode(err) != tt.code {
			t.Errorf("%v: %v, want %s", tt.args, err, tt.code)
		}
	}
}
