package cli

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"fanarchive"
)

func TestListCommands(t *testing.T) {
	data := t.TempDir()
	run := func(args ...string) (string, error) {
		t.Helper()
		return runIn(t, "", append(args, "--data", data)...)
	}
	out, err := run("list", "create", "level3", "--address", "level3@lists.example.org", "--title", "Level Three",
		"--fandom", "Smallville", "--fandom", "Lois & Clark", "--policy", "moderated", "--max-size", "65536",
		"--announce", "summary", "--digest-hour", "6", "--description", "The all-fic list.", "--rules", "Be kind.\nTag your posts.")
	if err != nil || !strings.Contains(out, "Made list 1, level3 <level3@lists.example.org>.") {
		t.Fatalf("list create: %q, %v", out, err)
	}
	if _, err := run("list", "create", "alpha", "--address=alpha@lists.example.org", "--no-works"); err != nil {
		t.Fatalf("list create alpha: %v", err)
	}
	for _, bad := range [][]string{
		{"list", "create", "level3", "--address", "level3@other.example.org"}, // the name is taken
		{"list", "create", "Bad_Name", "--address", "bad@lists.example.org"},
		{"list", "create", "beta", "--address", "gamma@lists.example.org"}, // not its name
		{"list", "create", "beta", "--address", "beta@lists.example.org", "--policy", "anarchy"},
		{"list", "create", "beta", "--address", "beta@lists.example.org", "--digest-hour", "25"},
		{"list", "create", "beta", "--address", "beta@lists.example.org", "--max-size", "-1"},
		{"list", "create", "beta", "--address", "beta@lists.example.org", "--works", "--no-works"},
		{"list", "create", "beta"},
		{"list", "create"},
		{"list", "set", "level3"},
		{"list", "set", "nosuch", "--title", "X"},
		{"list", "set", "level3", "--announce", "loud"},
		{"list", "show", "nosuch"},
		{"list", "show"},
		{"list", "ls", "extra"},
		{"list", "moderator", "level3", "Nobody"},
		{"list", "moderator", "nosuch", "Ada"},
		{"list", "moderator", "level3"},
		{"list", "members", "level3", "--state", "asleep"},
		{"list", "members", "nosuch"},
		{"list", "frob"},
		{"list"},
	} {
		var exit *ExitError
		if _, err := run(bad...); !errors.As(err, &exit) {
			t.Errorf("%v: err = %v, want an exit error", bad, err)
		}
	}

	out, err = run("list", "show", "level3")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Level Three", "Smallville, Lois & Clark", "moderated", "65536 bytes", "summary", "06:00 UTC",
		"[level3]", "The all-fic list.", "Be kind. Tag your posts.", "Members:", "story posts are filed as works"} {
		if !strings.Contains(out, want) {
			t.Errorf("list show lacks %q:\n%s", want, out)
		}
	}
	if out, err := run("list", "set", "level3", "--title", "Level 3", "--policy", "members", "--fandom", "Smallville",
		"--no-works", "--subject-tag", ""); err != nil || !strings.Contains(out, "Changed list level3.") {
		t.Errorf("list set: %q, %v", out, err)
	}
	var got fanarchive.List
	out, err = run("list", "show", "level3", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("list show --json: %v\n%s", err, out)
	}
	if got.Title != "Level 3" || got.Policy != fanarchive.ListMembersOnly || strings.Join(got.Fandoms, "|") != "Smallville" ||
		got.ArchiveWorks || got.SubjectTag != "" || got.MaxSize != 65536 || got.Description != "The all-fic list." || got.DigestHour != 6 {
		t.Errorf("after list set: %+v", got)
	}

	if _, err := runIn(t, "a-long-password\n", "user", "add", "Ada", "--email", "ada@example.org", "--password-stdin", "--data", data); err != nil {
		t.Fatal(err)
	}
	if out, err := run("list", "moderator", "level3", "ada"); err != nil || !strings.Contains(out, "Ada moderates level3.") {
		t.Errorf("list moderator: %q, %v", out, err)
	}
	if out, err := run("list", "show", "level3"); err != nil || !strings.Contains(out, "Ada") {
		t.Errorf("list show after list moderator:\n%s", out)
	}

	// Members come from subscriptions; the CLI shows them.
	ctx := context.Background()
	store, err := openDatabase(ctx, "", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := store.FindList(ctx, "level3")
	if err != nil {
		t.Fatal(err)
	}
	for i, addr := range []string{"kim@example.net", "pat@example.net"} {
		m := &fanarchive.ListMember{ListID: l.ID, Address: addr, Name: "Member " + addr[:3], Mode: fanarchive.DeliverDigest}
		hash := "hash-" + addr
		if err := store.SubscribeToList(ctx, m, hash, time.Now().Add(time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := store.ConfirmSubscription(ctx, hash, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	store.Close()
	out, err = run("list", "members", "level3")
	if err != nil || !strings.Contains(out, "kim@example.net") || !strings.Contains(out, "pat@example.net") ||
		!strings.Contains(out, "pending") || !strings.Contains(out, "ADDRESS") {
		t.Errorf("list members:\n%s", out)
	}
	out, err = run("list", "members", "level3", "--state", "active", "--json")
	if err != nil || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"address":"kim@example.net"`) {
		t.Errorf("list members --state active --json:\n%s", out)
	}
	if out, err := run("list", "moderator", "level3", "Ada", "--remove"); err != nil || !strings.Contains(out, "no longer moderates") {
		t.Errorf("list moderator --remove: %q, %v", out, err)
	}

	out, err = run("list", "ls")
	if err != nil || !strings.Contains(out, "alpha@lists.example.org") || !strings.Contains(out, "Level 3") ||
		strings.Index(out, "alpha") > strings.Index(out, "level3") {
		t.Errorf("list ls:\n%s", out)
	}
	out, err = run("list", "ls", "--json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 2 || !strings.Contains(lines[1], `"members":1`) || !strings.Contains(lines[0], `"archive_works":false`) {
		t.Errorf("list ls --json:\n%s", out)
	}
	if out, err := runIn(t, "", "list", "--help"); err != nil || !strings.Contains(out, "moderator NAME USER") {
		t.Errorf("list --help: %q", out)
	}
	if out, err := runIn(t, "", "list", "create", "--help"); err != nil || !strings.Contains(out, "-digest-hour hour") {
		t.Errorf("list create --help: %q", out)
	}
	if out, err := runIn(t, "", "help"); err != nil || !strings.Contains(out, "mailing lists") {
		t.Errorf("help lacks list: %q", out)
	}
}
