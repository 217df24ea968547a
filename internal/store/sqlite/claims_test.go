package sqlite

import (
	"context"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/store/storetest"
)

func TestClaims(t *testing.T) {
	storetest.RunClaims(t, func(t *testing.T, now func() time.Time) fanarchive.Store {
		s := openTest(t)
		s.now = now
		return s
	})
}

// TestClaimLogsMovedWorks: a settled claim logs a put in the search change
// log for every work it moved, and none for the works it left, so every
// process's search sees the new bylines; the full-text row still finds
// the works by the author's name.
func TestClaimLogsMovedWorks(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mk := func(title, contact string) *fanarchive.Work {
		raw := []byte("Title: " + title + "\r\n\r\nThe tide went out.\r\n")
		w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: title, Authors: []fanarchive.Author{{Name: "Rowan Ash"}},
			Rating: fanarchive.RatingGeneral, FeedbackContact: contact,
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>The tide went out.</p>"}},
			Sources:  []*fanarchive.Source{fanarchive.NewSource(title+".txt", raw)}}
		if err := s.CreateWork(ctx, w); err != nil {
			t.Fatal(err)
		}
		return w
	}
	moved, stays := mk("Moved", "rowan@example.org"), mk("Stays", "")
	u := &fanarchive.User{Name: "Rowena", Email: "rowena@example.net", EmailConfirmed: true, PasswordHash: "h"}
	if err := s.CreateUser(ctx, u, nil, nil); err != nil {
		t.Fatal(err)
	}
	var before int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM search_changes`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	claim := &fanarchive.Claim{UserID: u.ID, WorkID: moved.ID, Via: fanarchive.ClaimByMail}
	tok := &fanarchive.Token{ID: "0123456789012345678901234567890123456789012345678901234567890123", Purpose: fanarchive.TokenClaim,
		ExpiresAt: time.Now().Add(time.Hour)}
	if err := s.RequestClaim(ctx, claim, tok, func(to string) ([]*fanarchive.OutboundMail, error) {
		return []*fanarchive.OutboundMail{{Kind: fanarchive.MailKindClaim, From: "archive@example.org", To: to,
			Body: &fanarchive.MailBody{Raw: []byte("Subject: x\r\n\r\nx\r\n")}}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmClaim(ctx, tok.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT work_id, op FROM search_changes WHERE seq > ? ORDER BY seq`, before)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	logged := map[int64]string{}
	for rows.Next() {
		var id int64
		var op string
		if err := rows.Scan(&id, &op); err != nil {
			t.Fatal(err)
		}
		logged[id] = op
	}
	if len(logged) != 1 || logged[moved.ID] == "" {
		t.Errorf("changes logged by the claim: %v (moved %d, stays %d)", logged, moved.ID, stays.ID)
	}
	if n := countRows(t, s, `SELECT count(*) FROM work_text WHERE work_text MATCH 'authors : rowan'`); n != 2 {
		t.Errorf("%d works found by the author's name after the claim, want 2", n)
	}
}
