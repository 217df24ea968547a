// Command benchhuge measures what serving one huge work costs (issue 14): it
// writes a legacy text file of one story in one chapter (62 MB by default),
// imports it with `fanarchive import` into a fresh data directory, then
// starts `fanarchive serve` on it and measures, from outside, the work page
// and the entire work (?view=full): how long each takes to arrive whole, the
// bytes sent, and the server's resident memory (VmRSS, and its peak VmHWM,
// from /proc, so Linux only) before and after. Each of the two pages gets a
// freshly started server, so that one's peak is not the other's; the
// server's CPU time per request is given too, which a busy machine disturbs
// less than wall time. It prints one JSON line; see docs/benchmarks.md.
//
//	go run ./cmd/benchhuge [-mb 62] [-runs 5] [-bin PATH]
//
// The fanarchive binary is built from this tree unless -bin names one, so
// the same measurement runs against an older build.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"fanarchive/internal/procstat"
)

// Result is the JSON line benchhuge prints. Times are in seconds, medians
// of the runs; memory in MB.
type Result struct {
	FileMB        float64 `json:"file_mb"`
	ImportSeconds float64 `json:"import_seconds"`
	Runs          int     `json:"runs"`
	CPUs          int     `json:"cpus"`
	Page          Measure `json:"work_page"`
	Full          Measure `json:"entire_work"`
}

// Measure is one page, requested Runs times from a freshly started server.
type Measure struct {
	Path         string  `json:"path"`
	Status       int     `json:"status"`
	Seconds      float64 `json:"seconds"`         // until the last byte
	FirstByte    float64 `json:"first_byte"`      // until the first byte of the body
	Bytes        int64   `json:"bytes"`           // of the body
	CPUSeconds   float64 `json:"cpu_seconds"`     // the server's, per request: steadier than time on a busy machine
	RSSBeforeMB  float64 `json:"rss_before_mb"`   // once the server answers, before the page
	RSSAfterMB   float64 `json:"rss_after_mb"`    // after the last run
	PeakMB       float64 `json:"peak_rss_mb"`     // the most the server held (VmHWM)
	PeakBeforeMB float64 `json:"peak_before_mb"`  // VmHWM before the page: start-up's own peak
	PageCount    string  `json:"pages,omitempty"` // "Page 1 of N", when the page says
}

func main() {
	mb := flag.Int("mb", 62, "size of the story file in MB (the importer takes up to 64)")
	runs := flag.Int("runs", 5, "requests of each page; the median time is reported")
	bin := flag.String("bin", "", "fanarchive binary to measure (default: built from this tree)")
	keep := flag.String("keep", "", "keep the data directory and story file in this directory")
	flag.Parse()
	res, err := run(context.Background(), *mb, *runs, *bin, *keep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchhuge:", err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
}

func run(ctx context.Context, mb, runs int, bin, keep string) (*Result, error) {
	dir := keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "benchhuge")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	if bin == "" {
		bin = filepath.Join(dir, "fanarchive")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/fanarchive")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("build fanarchive: %w", err)
		}
	}
	story := filepath.Join(dir, "longest-night.txt")
	size, err := writeStory(story, mb<<20)
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	res := &Result{FileMB: float64(size) / (1 << 20), Runs: runs, CPUs: runtime.NumCPU()}
	start := time.Now()
	imp := exec.CommandContext(ctx, bin, "import", "--data", data, story)
	imp.Stdout, imp.Stderr = io.Discard, os.Stderr
	imp.Env = append(os.Environ(), "FANARCHIVE_LOG=warn")
	if err := imp.Run(); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	res.ImportSeconds = time.Since(start).Seconds()

	if res.Page, err = measure(ctx, bin, data, "", runs); err != nil {
		return nil, err
	}
	if res.Full, err = measure(ctx, bin, data, "?view=full", runs); err != nil {
		return nil, err
	}
	return res, nil
}

// measure starts a server on data, finds the work and requests its page
// (with query) runs times.
func measure(ctx context.Context, bin, data, query string, runs int) (Measure, error) {
	srv, base, err := startServer(ctx, bin, data)
	if err != nil {
		return Measure{}, err
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		srv.Wait()
	}()
	path, err := findWork(base)
	if err != nil {
		return Measure{}, err
	}
	m := Measure{Path: path + query}
	m.RSSBeforeMB, m.PeakBeforeMB = procstat.Memory(srv.Process.Pid)
	cpu := procstat.CPUSeconds(srv.Process.Pid)
	var times, first []float64
	for range runs {
		st, fb, n, status, pages, err := fetch(base + m.Path)
		if err != nil {
			return m, err
		}
		times, first = append(times, st), append(first, fb)
		m.Bytes, m.Status, m.PageCount = n, status, pages
	}
	m.Seconds, m.FirstByte = median(times), median(first)
	m.CPUSeconds = (procstat.CPUSeconds(srv.Process.Pid) - cpu) / float64(runs)
	m.RSSAfterMB, m.PeakMB = procstat.Memory(srv.Process.Pid)
	return m, nil
}

// startServer runs `fanarchive serve` on a free port and waits until it
// answers.
func startServer(ctx context.Context, bin, data string) (*exec.Cmd, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, bin, "serve", "--data", data, "--addr", addr)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	cmd.Env = append(os.Environ(), "FANARCHIVE_LOG=warn")
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	base := "http://" + addr
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(base + "/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd, base, nil
			}
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, "", fmt.Errorf("fanarchive serve did not answer on %s", addr)
}

var workLink = regexp.MustCompile(`href="(/works/\d+)"`)

// findWork returns the path of the first work the home page lists.
func findWork(base string) (string, error) {
	resp, err := http.Get(base + "/")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	m := workLink.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("no work on the home page")
	}
	return string(m[1]), nil
}

var pageCount = regexp.MustCompile(`Page 1 of \d+`)

// fetch reads a page whole, timing it, and returns the "Page 1 of N" it
// shows, if any, found in its first 64 KB.
func fetch(url string) (seconds, firstByte float64, n int64, status int, pages string, err error) {
	start := time.Now()
	resp, err := http.Get(url)
	if err != nil {
		return 0, 0, 0, 0, "", err
	}
	defer resp.Body.Close()
	r := bufio.NewReaderSize(resp.Body, 64<<10)
	head, _ := r.Peek(64 << 10)
	firstByte = time.Since(start).Seconds()
	pages = string(pageCount.Find(head))
	n, err = io.Copy(io.Discard, r)
	return time.Since(start).Seconds(), firstByte, n, resp.StatusCode, pages, err
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// writeStory writes a legacy plain-text story of about size bytes: a header
// of labelled fields, then paragraphs wrapped at 72 columns between blank
// lines, with a scene break now and then. Its words come from a fixed list
// in a fixed order, so every run measures the same file.
func writeStory(path string, size int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, "Title: The Longest Night\r\nAuthor: Wren Marsh\r\nRating: G\r\nFandom: Harbor Lights\r\n"+
		"Summary: One night at the lighthouse, told at length.\r\n\r\n")
	words := strings.Fields(`the lamp burned on north tower and boats came home through fog while
		keeper wrote her log by window sea was grey wind rose slowly over harbour gulls slept
		on rocks below light turned again a bell rang far out she counted each ship`)
	written, word := 0, 0
	for para := 0; written < size; para++ {
		if para%40 == 39 {
			n, _ := fmt.Fprint(w, "* * *\r\n\r\n")
			written += n
			continue
		}
		line := 0
		sentences := 3 + para%5
		for s := 0; s < sentences; s++ {
			for i := 0; i < 8+(para+s)%9; i++ {
				wd := words[word%len(words)]
				word++
				if i == 0 {
					wd = strings.ToUpper(wd[:1]) + wd[1:]
				}
				if line > 0 && line+1+len(wd) > 72 {
					n, _ := fmt.Fprint(w, "\r\n")
					written, line = written+n, 0
				} else if line > 0 {
					w.WriteByte(' ')
					written, line = written+1, line+1
				}
				n, _ := w.WriteString(wd)
				written, line = written+n, line+n
			}
			w.WriteByte('.')
			written, line = written+1, line+1
		}
		n, _ := fmt.Fprint(w, "\r\n\r\n")
		written += n
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	info, err := f.Stat()
	f.Close()
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}
