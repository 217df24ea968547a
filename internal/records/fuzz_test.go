package records

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/store/sqlite"
)

// FuzzFile: any bytes posted to a list are either refused with a domain
// error or filed (or left alone as discussion), never a panic or an
// internal error; a filed post's bytes are one of its work's sources, byte
// for byte. One archive serves the whole run, so later inputs also meet
// the stories earlier ones started.
func FuzzFile(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.e*"))
	if err != nil {
		f.Fatal(err)
	}
	files = append(files, filepath.Join("testdata", "oldlist.mbox"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Add([]byte("Subject: (2/2)\n\n\"Yes,\" she said."), false)
	f.Add([]byte("From: a\nSubject: Re: x (1/1)\nContent-Type: multipart/digest; boundary=b\n\n--b\n\nFrom: c\n\n--b--"), false)
	f.Add([]byte("<html><body><p>\"No,\" he said.</p></body></html>"), true)
	f.Add([]byte("From x Mon Mar  3 10:00:00 1997\nFrom: =?x-bad?Q?=FF?= <@>\nSubject: Prologue\nContent-Type: text/plain; charset=utf-7\n\n+AGEAYgBj-"), false)

	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "archive.db"), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	u := &fanarchive.User{Name: "Fuzzer", Email: "fuzz@example.org", EmailConfirmed: true, PasswordHash: "$argon2id$x"}
	if err := s.CreateUser(ctx, u, nil, nil); err != nil {
		f.Fatal(err)
	}
	r := &Room{Store: s, Now: func() time.Time { return time.Date(2026, time.December, 7, 12, 0, 0, 0, time.UTC) }}
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, raw []byte, owned bool) {
		// A few posts a list, so that stories are extended too but do
		// not grow without end over a run.
		p := Post{ListID: 1 + n.Add(1)/8, ListName: "fuzz", ListTitle: "Fuzz List", Fandoms: []string{"Harbour Lights"}, Raw: raw,
			ReceivedAt: time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)}
		if owned {
			p.UserID = u.ID
		}
		filed, err := r.File(ctx, p)
		if err != nil {
			if !refusal(err) {
				t.Fatalf("File: %v, want a refusal with a domain error", err)
			}
			if filed == nil || filed.WorkID != 0 || filed.Reason == "" {
				t.Fatalf("refused, but filed = %+v", filed)
			}
			return
		}
		if filed.WorkID == 0 {
			if filed.Fiction {
				t.Fatalf("fiction not filed and not refused: %+v", filed)
			}
			return
		}
		w, err := s.FindWorkOutline(ctx, filed.WorkID)
		if err != nil {
			t.Fatal(err)
		}
		if filed.Chapter < 1 || filed.Chapter > len(w.Chapters) {
			t.Fatalf("filed as chapter %d of a work of %d", filed.Chapter, len(w.Chapters))
		}
		src, err := s.FindSourceBySHA256(ctx, fanarchive.SumSHA256(raw))
		if err != nil {
			t.Fatalf("the post's bytes are not stored: %v", err)
		}
		for _, ws := range w.Sources {
			if ws.ID == src.ID {
				full, err := s.FindSourceByID(ctx, src.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(full.Raw, raw) {
					t.Fatal("the stored bytes differ from the post's")
				}
				return
			}
		}
		t.Fatalf("work %d has %d sources, none the post's bytes", w.ID, len(w.Sources))
	})
}
