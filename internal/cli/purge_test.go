package cli

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/store/sqlite"
)

// TestPurgeDeletedWorks: serve's hourly purge removes a deleted work once
// its WorkTrashDays are over, and not before.
func TestPurgeDeletedWorks(t *testing.T) {
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "archive.db"), logger)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Binned", Authors: []fanarchive.Author{{Name: "Tess"}},
		Rating: fanarchive.RatingGeneral, Words: 1, Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>Gone.</p>", Words: 1}}}
	if err := st.CreateWork(ctx, w); err != nil {
		t.Fatal(err)
	}
	admin := &fanarchive.User{Name: "Admin Ada", Email: "ada@example.net", EmailConfirmed: true, PasswordHash: "x",
		Roles: []fanarchive.Role{fanarchive.RoleAdmin}}
	if err := st.CreateUser(ctx, admin, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.TrashWork(ctx, w.ID, admin.ID); err != nil {
		t.Fatal(err)
	}
	deleted := func() int {
		_, n, err := st.FindWorks(ctx, fanarchive.WorkFilter{Deleted: true})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	purgeOnce(ctx, st, time.Now().AddDate(0, 0, fanarchive.WorkTrashDays-1), logger)
	if n := deleted(); n != 1 {
		t.Fatalf("a work deleted %d days ago was purged", fanarchive.WorkTrashDays-1)
	}
	purgeOnce(ctx, st, time.Now().AddDate(0, 0, fanarchive.WorkTrashDays+1), logger)
	if n := deleted(); n != 0 {
		t.Errorf("a work deleted %d days ago is still kept", fanarchive.WorkTrashDays+1)
	}
}
