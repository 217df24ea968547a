package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/web"
)

func TestSource(t *testing.T) {
	f := newFixture(t, web.Options{})
	tests := []struct {
		name        string
		path        string
		status      int
		body        string
		contentType string
		filename    string
		masked      string // X-Fanarchive-Masked-Addresses
	}{
		{
			name:        "windows-1252 with CRLF, byte for byte but for the masked address",
			path:        workPath(f.quiet) + "/source",
			status:      http.StatusOK,
			body:        strings.Replace(string(quietRaw), "maple.stone@example.org", "xxxxx.xxxxx@xxxxxxx.xxx", 1),
			contentType: "text/plain; charset=windows-1252",
			filename:    `attachment; filename="quiet_evening.txt"`,
			masked:      "1",
		},
		{
			name:        "first part by default",
			path:        workPath(f.multi) + "/source",
			status:      http.StatusOK,
			body:        "Lighthouse Keeping, part 1 of 3\n\nThe lamp needed oil.\n",
			contentType: "text/plain; charset=utf-8",
			filename:    `attachment; filename="part1.txt"`,
		},
		{
			name:        "second part",
			path:        workPath(f.multi) + "/source?part=2",
			status:      http.StatusOK,
			body:        "Lighthouse Keeping, part 2 of 3\n\nThe gulls returned.\n",
			contentType: "text/plain; charset=utf-8",
			filename:    `attachment; filename="part2.txt"`,
		},
		{name: "part past the end", path: workPath(f.multi) + "/source?part=3", status: http.StatusNotFound},
		{name: "part zero", path: workPath(f.multi) + "/source?part=0", status: http.StatusNotFound},
		{name: "part not a number", path: workPath(f.multi) + "/source?part=x", status: http.StatusNotFound},
		{name: "work without sources", path: workPath(f.hostile) + "/source", status: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.get(tt.path, false)
			if resp.status != tt.status {
				t.Fatalf("status %d, want %d", resp.status, tt.status)
			}
			if tt.status != http.StatusOK {
				return
			}
			if resp.body != tt.body {
				t.Errorf("body = %q, want %q", resp.body, tt.body)
			}
			for k, want := range map[string]string{
				"Content-Type":                  tt.contentType,
				"Content-Disposition":           tt.filename,
				"X-Content-Type-Options":        "nosniff",
				"X-Fanarchive-Masked-Addresses": tt.masked,
			} {
				if got := resp.header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestAddressesStoredUnmasked: a work stored another way than through the
// importer, with addresses in every form, shows none of them in its
// listing, its text or its original file — the page and the download hide
// the same ones.
func TestAddressesStoredUnmasked(t *testing.T) {
	f := newFixture(t, web.Options{})
	raw := "Path: news.tide.example!kelpvax!rowan\nFrom: QX12@TIDEVM1\n\n" +
		"Mail rowan (at) tide (dot) org, or ...!kelpvax!rowan.\nBy Rowan Ash (76543,210)\n"
	src := fanarchive.NewSource("rowan@tidevax.txt", []byte(raw))
	src.Archive = "The Shore Archive, kelp@shore.example.com"
	w := f.create(context.Background(), &fanarchive.Work{
		Kind: fanarchive.KindFiction, Title: "Reply to rowan@tidevax", Authors: []fanarchive.Author{{Name: "Rowan Ash"}},
		Rating: fanarchive.RatingGeneral, Words: 9, Begins: "Mail rowan (at) tide (dot) org, or ...!kelpvax!rowan.",
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>Mail rowan (at) tide (dot) org, or ...!kelpvax!rowan.</p>\n" +
			"<p>By Rowan Ash (76543,210), QX12@TIDEVM1</p>"}},
		Sources: []*fanarchive.Source{src},
	})
	resp := f.get(workPath(w)+"/source", false)
	want := "Path: xxxx.xxxx.xxxxxxx!xxxxxxx!xxxxx\nFrom: xxxx@xxxxxxx\n\n" +
		"Mail xxxxx (xx) xxxx (xxx) xxx, or ...!xxxxxxx!xxxxx.\nBy Rowan Ash (xxxxx,xxx)\n"
	if resp.body != want || resp.header.Get("X-Fanarchive-Masked-Addresses") != "5" {
		t.Errorf("source = %q (%s masked), want %q (5)", resp.body, resp.header.Get("X-Fanarchive-Masked-Addresses"), want)
	}
	// The file name is masked too; its host ran on into ".txt".
	if got := resp.header.Get("Content-Disposition"); got != `attachment; filename="xxxxx_xxxxxxx.xxx"` {
		t.Errorf("Content-Disposition = %q", got)
	}
	for _, page := range []string{"/", workPath(w)} {
		body := f.get(page, false).body
		if i := strings.Index(body, "Mail "); page != "/" && i >= 0 {
			body = body[i:] // the work page's own title is work.go's; the importer masks it
		}
		for _, leak := range []string{"rowan@", "!rowan", "rowan (at)", "QX12", "76543", "kelp@", "tidevax.txt"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s shows %q", page, leak)
			}
		}
	}
}
