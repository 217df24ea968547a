// Command benchweb measures the site under load, as readers would load it:
// it imports a collection into a fresh archive with the real importer (or
// uses an archive already built), starts `fanarchive serve` on it in a
// process of its own, and loads each page given with C concurrent
// connections for a while, keeping every connection busy. It prints one
// JSON line per page: requests per second, latency percentiles, statuses,
// bytes, and the serving process's memory (RSS) before, after and at its
// peak. See docs/benchmarks.md.
//
//	go run ./cmd/benchweb [-data DIR] [-corpus DIR] [-huge MB] [-c 64] [-d 10s] PATH...
//	go run ./cmd/benchweb -nginx [-c 32] [-d 10s] [-rounds 3] [PATH]   # against nginx (nginx.go)
//
// Without PATH it loads the pages of issue 14's measurements: a filtered
// text search and a tag page with a query, each as one URL asked again and
// again, and as a mix: "{w}" in a path is replaced, request by request, by
// a word drawn from the collection (one in 20 files or more), so that no
// two requests in a row ask the same search. -huge adds a story of that
// many MB, in one chapter, that the default searches find (Star Trek, Not
// Rated, "captain" on every line), to show what one huge work changes. The load generator is Go's own
// HTTP client in this process, on the same machine as the server: on a
// 2-core machine the two share the cores, as wrk would.
//
//	go run ./cmd/benchweb -db postgres://… [-procs N] [PATH...]
//
// -db serves (and first imports the collection into, unless it already
// holds works) a PostgreSQL database instead of the SQLite file in the data
// directory; -procs starts N serve processes on the one database, each on
// a port and in a data directory of its own, and spreads the connections
// over them in turn (multi.go).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
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
	"fanarchive/internal/procstat"
	"fanarchive/internal/store/sqlite"
)

// defaultPaths are measured when no path is given.
var defaultPaths = []string{
	"/search?q=captain&rating=Not%20Rated",
	"/tags/fandom/Star%20Trek?q=captain",
	"/search?q=captain",
	"/search?q={w}&rating=Not%20Rated",
	"/tags/fandom/Star%20Trek?q={w}",
	"/search?q={w}+{w}&rating=Not%20Rated&complete=1",
}

func main() {
	data := flag.String("data", "", "archive data directory to serve (default: a new one, with -corpus imported into it)")
	corpus := flag.String("corpus", filepath.Join("..", "shared", "corpus", "usenet-startrek"), "collection to import when -data is not given")
	conns := flag.Int("c", 64, "concurrent connections")
	duration := flag.Duration("d", 10*time.Second, "how long to load each page")
	warm := flag.Int("warm", 20, "requests to each page before measuring (untimed)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the serving process to `file`")
	hugeMB := flag.Int("huge", 0, "also import a story of this many `MB` in one chapter (with the corpus; not with -data)")
	serveChild := flag.Bool("serve-child", false, "internal: serve -data and print the address (the server process)")
	logLevel := flag.String("log", "warn", "the serving process's log level (FANARCHIVE_LOG); -nginx sets info, as nginx logs every request")
	nginxMode := flag.Bool("nginx", false, "measure PATH (default: the seed's work page) against nginx serving the same gzip-compressed bytes as a static file")
	rounds := flag.Int("rounds", 3, "with -nginx: interleaved rounds of each; medians are reported")
	db := flag.String("db", "", "serve the archive in this PostgreSQL database (a postgres:// `URL`) instead of the SQLite file in -data; "+
		"the corpus is imported into it first unless it already holds works")
	procs := flag.Int("procs", 1, "serve processes on the one database, connections spread over them in turn")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *serveChild {
		check(serveArchive(ctx, *data, *db, *cpuProfile, *logLevel))
		return
	}
	if *db != "" && !sqlite.IsPostgresDSN(*db) {
		check(fmt.Errorf("-db %q is not a postgres:// URL", *db))
	}
	if *procs < 1 || (*procs > 1 && *nginxMode) {
		check(fmt.Errorf("-procs must be 1 or more, and 1 with -nginx"))
	}
	if *nginxMode {
		*logLevel = "info"
		if *data == "" && !flagSet("corpus") {
			*corpus = filepath.Join("..", "shared", "corpus", "seed")
		}
	}
	// What to import: the corpus into a new data directory, as before, or
	// with -db into the database unless it holds works already.
	doImport := *data == ""
	if *db != "" {
		has, err := pgHasWorks(ctx, *db)
		check(err)
		doImport = !has
		if has {
			fmt.Fprintf(os.Stderr, "benchweb: %s already holds works: serving them, importing nothing\n", redactDSN(*db))
		}
	}
	if *data == "" {
		dir, err := os.MkdirTemp("", "benchweb-")
		check(err)
		defer os.RemoveAll(dir)
		*data = dir
	}
	if doImport {
		dir := *data
		start := time.Now()
		args := []string{"import", "--data", dir, *corpus}
		if *db != "" {
			args = []string{"import", "--data", dir, "--db", *db, *corpus}
		}
		if *hugeMB > 0 {
			story := filepath.Join(dir, "huge-story.txt")
			check(writeHugeStory(story, *hugeMB<<20))
			args = append(args, story)
		}
		m := &cli.Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: os.Getenv}
		var exit *cli.ExitError
		if err := m.Run(ctx, args); err != nil && !(errors.As(err, &exit) && exit.Code == cli.ExitFailure) {
			check(fmt.Errorf("import %s: %w", *corpus, err))
		}
		fmt.Fprintf(os.Stderr, "benchweb: imported %s in %s\n", *corpus, time.Since(start).Round(time.Millisecond))
	}
	paths := flag.Args()
	if len(paths) == 0 {
		paths = defaultPaths
		if *nginxMode {
			paths = []string{"/works/1"}
		}
	}

	words := corpusWords(*corpus)
	srvs, err := startServers(*procs, *data, *db, *cpuProfile, *logLevel)
	check(err)
	defer srvs.stop()
	srv := srvs.list[0]
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if *nginxMode {
		for _, p := range paths {
			res, err := compareNginx(ctx, srv, p, *conns, *duration, *rounds)
			check(err)
			check(enc.Encode(res))
		}
		return
	}
	for _, p := range paths {
		res, err := load(ctx, srvs, p, words, *conns, *duration, *warm)
		check(err)
		check(enc.Encode(res))
	}
}

// serveArchive runs `fanarchive serve` on dir (and the database db names,
// if not its SQLite file) on a free loopback port and prints "listening
// ADDR" once it accepts connections.
func serveArchive(ctx context.Context, dir, db, profile, level string) error {
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
			return level
		}
		return os.Getenv(k)
	}, Listening: func(addr string) { fmt.Printf("listening %s\n", addr) }}
	args := []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}
	if db != "" {
		args = append(args, "--db", db)
	}
	return m.Run(ctx, args)
}

// server is the serving process.
type server struct {
	cmd  *exec.Cmd
	addr string
}

func startServer(data, db, profile, level string) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"-serve-child", "-data", data, "-log", level}
	if db != "" {
		args = append(args, "-db", db)
	}
	if profile != "" {
		args = append(args, "-cpuprofile", profile)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	if level == "info" || level == "debug" {
		// A request log's worth of lines: to a file, as a server's would go.
		f, err := os.CreateTemp("", "benchweb-serve-*.log")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		defer os.Remove(f.Name())
		cmd.Stderr = f
	}
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

// Result is one page's line.
type Result struct {
	Path      string         `json:"path"`
	DB        string         `json:"db,omitempty"`    // "postgres" with -db
	Procs     int            `json:"procs,omitempty"` // serve processes, when more than one
	Words     int            `json:"words,omitempty"` // how many words "{w}" is drawn from
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
	// The server's memory; with -procs, the sum over its processes.
	RSSBefore float64 `json:"rss_before_mb"`
	RSSAfter  float64 `json:"rss_after_mb"`
	RSSPeak   float64 `json:"rss_peak_mb"` // the server's peak so far (VmHWM)
	CPUs      int     `json:"cpus"`
	LoadAvg   string  `json:"loadavg"`
}

// load keeps conns requests to path in flight for d and measures them.
// Each "{w}" in path is replaced by a word of words, drawn anew for every
// request. Connection i asks server i mod n.
func load(ctx context.Context, srvs *servers, path string, words []string, conns int, d time.Duration, warm int) (*Result, error) {
	var rngMu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	urlOf := func(conn int) string {
		u := "http://" + srvs.list[conn%len(srvs.list)].addr + path
		for strings.Contains(u, "{w}") {
			rngMu.Lock()
			w := words[rng.IntN(len(words))]
			rngMu.Unlock()
			u = strings.Replace(u, "{w}", w, 1)
		}
		return u
	}
	rssBefore, _ := srvs.memory()
	res, err := loadWith(ctx, urlOf, nil, conns, d, warm)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	res.Path, res.Words, res.RSSBefore = path, wordsIn(path, words), rssBefore
	res.RSSAfter, res.RSSPeak = srvs.memory()
	res.DB = srvs.db
	if len(srvs.list) > 1 {
		res.Procs = len(srvs.list)
	}
	return res, nil
}

// loadURL is load for one URL with these request headers.
func loadURL(ctx context.Context, u string, headers map[string]string, conns int, d time.Duration) (*Result, error) {
	return loadWith(ctx, func(int) string { return u }, headers, conns, d, 20)
}

// loadWith keeps conns requests in flight for d, connection i's each to
// urlOf(i), after warm requests untimed (request i to urlOf(i)).
func loadWith(ctx context.Context, urlOf func(conn int) string, headers map[string]string, conns int, d time.Duration, warm int) (*Result, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}}
	get := func(conn int) (int, int64, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, urlOf(conn), nil)
		if err != nil {
			return 0, 0, err
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, n, err
	}
	var last int64
	for i := range warm {
		status, n, err := get(i)
		if err != nil {
			return nil, err
		}
		if status != http.StatusOK {
			fmt.Fprintf(os.Stderr, "benchweb: status %d while warming up\n", status)
		}
		last = n
	}
	res := &Result{Conns: conns, Statuses: map[string]int{}, BodyBytes: last, CPUs: runtime.NumCPU()}
	var mu sync.Mutex
	var times []float64
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for conn := range conns {
		wg.Go(func() {
			var mine []float64
			statuses := map[string]int{}
			errs := 0
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t := time.Now()
				status, _, err := get(conn)
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
	if len(times) == 0 {
		return nil, fmt.Errorf("no request succeeded")
	}
	slices.Sort(times)
	pct := func(p float64) float64 {
		return round(times[min(len(times)-1, int(math.Ceil(p*float64(len(times))))-1)])
	}
	res.Seconds, res.Requests = round(elapsed), len(times)
	res.RPS = round(float64(len(times)) / elapsed)
	res.P50, res.P90, res.P99, res.Max = pct(0.50), pct(0.90), pct(0.99), round(times[len(times)-1])
	res.LoadAvg = procstat.LoadAvg()
	return res, nil
}

// corpusWords returns the words of four letters or more, in lower case,
// that appear in 20 or more of the collection's files: words a reader might
// search it for. Without the collection, a few that any English text has.
func corpusWords(dir string) []string {
	files := map[string]int{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error { //nolint:errcheck // a partial list will do
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		seen := map[string]bool{}
		for _, w := range strings.FieldsFunc(strings.ToLower(string(b)), func(r rune) bool { return r < 'a' || r > 'z' }) {
			if len(w) >= 4 && !seen[w] {
				seen[w] = true
				files[w]++
			}
		}
		return nil
	})
	var out []string
	for w, n := range files {
		if n >= 20 {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		out = strings.Fields("time night ship home light water heart hand voice door eyes long dark back")
	}
	slices.Sort(out)
	return out
}

// wordsIn is how many words a path's "{w}" are drawn from.
func wordsIn(path string, words []string) int {
	if strings.Contains(path, "{w}") {
		return len(words)
	}
	return 0
}

// writeHugeStory writes a legacy story file of about size bytes: a labelled
// header (Star Trek, Not Rated) and one chapter of paragraphs in which every
// line has "captain", so that the default searches find it.
func writeHugeStory(path string, size int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "Title: The Captain's Long Watch\nAuthor: Bench Writer\nFandom: Star Trek\nRating: Not Rated\n\n")
	lines := []string{
		"The captain walked the length of the bridge and back again, counting the stars",
		"that slid past the viewscreen, while the night watch kept its own quiet counsel.",
		"Nobody spoke to the captain at this hour; the ship hummed, and the captain listened",
		"to the hum as if it were a voice that had something to say about the morning.",
	}
	for n := 0; n < size; {
		for _, l := range lines {
			k, _ := w.WriteString(l + "\n")
			n += k
		}
		k, _ := w.WriteString("\n")
		n += k
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func round(x float64) float64 { return math.Round(x*10) / 10 }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchweb:", err)
		os.Exit(1)
	}
}

// flagSet reports whether the named flag was given.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
