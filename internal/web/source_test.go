package web_test

import (
	"net/http"
	"strings"
	"testing"

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
