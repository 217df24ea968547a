// Command benchweb measures the site under load, as readers would load it:
// it imports a collection into a fresh archive with the real importer (or
// uses an archive already built), starts `fanarchive serve` on it in a
// process of its own, and loads each page given with C concurrent
// connections for a while, keeping every connection busy. It prints one
// JSON line per page: requests per second, latency percentiles, statuses,
// bytes, and the serving process's memory (RSS) before, after and at its
// peak. See docs/benchmarks.md.
//
//	go run ./cmd/benchweb [-data DIR] [-corpus DIR] [-c 64] [-d 10s] PATH...
//
// Without PATH it loads the pages of issue 14's measurements: a filtered
// text search and a tag page with a query. The load generator is Go's own
// HTTP client in this process, on the same machine as the server: on a
// 2-core machine the two share the cores, as wrk would.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"fanarchive/internal/cli"
)

// defaultPaths are measured when no path is given.
var defaultPaths = []string{
	"/search?q=captain&rating=Not%20Rated",
	"/tags/fandom/Star%20Trek?q=captain",
	"/search?q=captain",
}

func main() {
	data := flag.String("data", "", "archive data directory to serve (default: a new one, with -corpus imported into it)")
	corpus := flag.String("corpus", filepath.Join("..", "shared", "corpus", "usenet-startrek"), "collection to import when -data is not given")
	conns := flag.Int("c", 64, "concurrent connections")
	duration := flag.Duration("d", 10*time.Second, "how long to load each page")
	warm := flag.Int("warm", 20, "requests to each page before measuring (untimed)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the serving process to `file`")
	serveChild := flag.Bool("serve-child", false, "internal: serve -data and print the address (the server process)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *serveChild {
		check(serveArchive(ctx, *data, *cpuProfile))
		return
	}
	if *data == "" {
		dir, err := os.MkdirTemp("", "benchweb-")
		check(err)
		defer os.RemoveAll(dir)
		*data = dir
		start := time.Now()
		m := &cli.Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: os.Getenv}
		var exit *cli.ExitError
		if err := m.Run(ctx, []string{"import", "--data", dir, *corpus}); err != nil && !(errors.As(err, &exit) && exit.Code == cli.ExitFailure) {
			check(fmt.Errorf("import %s: %w", *corpus, err))
		}
		fmt.Fprintf(os.Stderr, "benchweb: imported %s in %s\n", *corpus, time.Since(start).Round(time.Millisecond))
	}
	paths := flag.Args()
	if len(paths) == 0 {
		paths = defaultPaths
	}

	srv, err := startServer(*data, *cpuProfile)
	check(err)
	defer srv.stop()
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	for _, p := range paths {
		res, err := load(ctx, srv, p, *conns, *duration, *warm)
		check(err)
		check(enc.Encode(res))
	}
}

// serveArchive runs `fanarchive serve` on dir on a free loopback port and
// prints "listening ADDR" once it accepts connections.
func serveArchive(ctx context.Context, dir, profile string) error {
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	m := &cli.Main{Stdout: os.Stderr, Stderr: os.Stderr, Getenv: func(k string) string {
		if k == "FANARCHIVE_LOG" {
			return "warn"
		}
		return os.Getenv(k)
	}, Listening: func(addr string) { fmt.Printf("listening %s\n", addr) }}
	return m.Run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"})
}

// server is the serving process.
type server struct {
	cmd  *exec.Cmd
	addr string
}

func startServer(data, profile string) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"-serve-child", "-data", data}
	if profile != "" {
		args = append(args, "-cpuprofile", profile)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
			go io.Copy(io.Discard, out) //nolint:errcheck // drain
			return &server{cmd: cmd, addr: addr}, nil
		}
	}
	cmd.Process.Kill() //nolint:errcheck // it failed to start
	return nil, fmt.Errorf("the server exited before listening: %v", cmd.Wait())
}

// stop asks the server to shut down (so a CPU profile is written) and
// waits for it.
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck // it may be gone
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }() //nolint:errcheck // its exit status is not ours
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill() //nolint:errcheck // it would not stop
	}
}

// memory reads the serving process's resident set size and its peak, in MB.
func (s *server) memory() (rss, peak float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return rss, peak
}

// Result is one page's line.
type Result struct {
	Path      string         `json:"path"`
	Conns     int            `json:"conns"`
	Seconds   float64        `json:"seconds"`
	Requests  int            `json:"requests"`
	RPS       float64        `json:"rps"`
	P50       float64        `json:"p50_ms"`
	P90       float64        `json:"p90_ms"`
	P99       float64        `json:"p99_ms"`
	Max       float64        `json:"max_ms"`
	Statuses  map[string]int `json:"statuses"`
	Errors    int            `json:"errors,omitempty"`
	BodyBytes int64          `json:"body_bytes"` // of the last response
	RSSBefore float64        `json:"rss_before_mb"`
	RSSAfter  float64        `json:"rss_after_mb"`
	RSSPeak   float64        `json:"rss_peak_mb"` // the server's peak so far (VmHWM)
	CPUs      int            `json:"cpus"`
	LoadAvg   string         `json:"loadavg"`
}

// load keeps conns requests to path in flight for d and measures them.
func load(ctx context.Context, srv *server, path string, conns int, d time.Duration, warm int) (*Result, error) {
	url := "http://" + srv.addr + path
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}}
	get := func() (int, int64, error) {
		resp, err := client.Get(url)
		if err != nil {
			return 0, 0, err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, n, err
	}
	var last int64
	for range warm {
		status, n, err := get()
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", path, err)
		}
		if status != http.StatusOK {
			fmt.Fprintf(os.Stderr, "benchweb: GET %s: status %d\n", path, status)
		}
		last = n
	}
	res := &Result{Path: path, Conns: conns, Statuses: map[string]int{}, BodyBytes: last, CPUs: runtime.NumCPU()}
	res.RSSBefore, _ = srv.memory()

	var mu sync.Mutex
	var times []float64
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			var mine []float64
			statuses := map[string]int{}
			errs := 0
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t := time.Now()
				status, _, err := get()
				if err != nil {
					errs++
					continue
				}
				mine = append(mine, float64(time.Since(t).Microseconds())/1000)
				statuses[strconv.Itoa(status)]++
			}
			mu.Lock()
			times = append(times, mine...)
			for k, v := range statuses {
				res.Statuses[k] += v
			}
			res.Errors += errs
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	res.RSSAfter, res.RSSPeak = srv.memory()
	if len(times) == 0 {
		return nil, fmt.Errorf("GET %s: no request succeeded", path)
	}
	slices.Sort(times)
	pct := func(p float64) float64 {
		return round(times[min(len(times)-1, int(math.Ceil(p*float64(len(times))))-1)])
	}
	res.Seconds, res.Requests = round(elapsed), len(times)
	res.RPS = round(float64(len(times)) / elapsed)
	res.P50, res.P90, res.P99, res.Max = pct(0.50), pct(0.90), pct(0.99), round(times[len(times)-1])
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		res.LoadAvg = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return res, nil
}

func round(x float64) float64 { return math.Round(x*10) / 10 }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchweb:", err)
		os.Exit(1)
	}
}
