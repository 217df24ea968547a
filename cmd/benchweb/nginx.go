package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fanarchive/internal/procstat"
)

// The side-by-side measure of issue 11: a page of the site against nginx
// serving the very bytes the site sent for it (gzip-compressed) as a
// static file, loaded in turn by the same client with the same
// connections. The client is wrk when it is installed (a C load generator
// uses less of the shared CPUs than Go's client), else this program's own.
// Both servers log every request: the site at info level (buffered, as
// serve does), nginx to its access log.

// Compare is the JSON line of a side-by-side run.
type Compare struct {
	Path      string  `json:"path"`
	Bytes     int     `json:"gzip_bytes"`
	Conns     int     `json:"conns"`
	Seconds   float64 `json:"seconds"`
	Client    string  `json:"client"`
	SiteRPS   float64 `json:"site_rps"`
	SiteP50   float64 `json:"site_p50_ms"`
	SiteP99   float64 `json:"site_p99_ms"`
	NginxRPS  float64 `json:"nginx_rps"`
	NginxP50  float64 `json:"nginx_p50_ms"`
	NginxP99  float64 `json:"nginx_p99_ms"`
	Ratio     float64 `json:"site_to_nginx"`
	SiteRSSMB float64 `json:"site_rss_mb"`
	CPUs      int     `json:"cpus"`
	LoadAvg   string  `json:"loadavg"`
}

// compareNginx measures path on srv and on nginx, rounds times over.
func compareNginx(ctx context.Context, srv *server, path string, conns int, d time.Duration, rounds int) (*Compare, error) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		return nil, fmt.Errorf("-nginx needs nginx (Debian's nginx-light): %w", err)
	}
	siteURL := "http://" + srv.addr + path
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, siteURL, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		return nil, fmt.Errorf("GET %s: %v %d %q", path, err, resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	dir, err := os.MkdirTemp("", "benchweb-nginx-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil { // nginx's workers may run as another user
		return nil, err
	}
	for _, d := range []string{"html", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "html", "page.html.gz"), body, 0o644); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`worker_processes %d;
error_log %[2]s/logs/error.log;
pid %[2]s/nginx.pid;
events { worker_connections 4096; }
http {
  access_log %[2]s/logs/access.log;
  server {
    listen 127.0.0.1:%[3]d;
    root %[2]s/html;
    location = /page { default_type "text/html; charset=utf-8"; add_header Content-Encoding gzip; try_files /page.html.gz =404; }
  }
}
`, runtime.NumCPU(), dir, port)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		return nil, err
	}
	if out, err := exec.Command(nginx, "-c", filepath.Join(dir, "nginx.conf"), "-p", dir).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("start nginx: %v\n%s", err, out)
	}
	defer exec.Command(nginx, "-c", filepath.Join(dir, "nginx.conf"), "-p", dir, "-s", "stop").Run() //nolint:errcheck // best effort
	nginxURL := fmt.Sprintf("http://127.0.0.1:%d/page", port)
	time.Sleep(200 * time.Millisecond)

	res := &Compare{Path: path, Bytes: len(body), Conns: conns, Seconds: d.Seconds() * float64(rounds), CPUs: runtime.NumCPU()}
	var siteRPS, nginxRPS, siteP50, siteP99, nginxP50, nginxP99 []float64
	for range rounds { // interleaved, so the machine's other load falls on both
		for _, side := range []string{"site", "nginx"} {
			u := siteURL
			if side == "nginx" {
				u = nginxURL
			}
			rps, p50, p99, client, err := loadGzip(ctx, u, conns, d)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", side, err)
			}
			res.Client = client
			if side == "site" {
				siteRPS, siteP50, siteP99 = append(siteRPS, rps), append(siteP50, p50), append(siteP99, p99)
			} else {
				nginxRPS, nginxP50, nginxP99 = append(nginxRPS, rps), append(nginxP50, p50), append(nginxP99, p99)
			}
		}
	}
	res.SiteRPS, res.SiteP50, res.SiteP99 = round(median(siteRPS)), round(median(siteP50)), round(median(siteP99))
	res.NginxRPS, res.NginxP50, res.NginxP99 = round(median(nginxRPS)), round(median(nginxP50)), round(median(nginxP99))
	res.Ratio = math.Round(res.SiteRPS/res.NginxRPS*100) / 100
	res.SiteRSSMB, _ = procstat.Memory(srv.cmd.Process.Pid)
	res.LoadAvg = procstat.LoadAvg()
	return res, nil
}

// loadGzip loads u asking for gzip, with wrk when there is one.
func loadGzip(ctx context.Context, u string, conns int, d time.Duration) (rps, p50, p99 float64, client string, err error) {
	if wrk, lerr := exec.LookPath("wrk"); lerr == nil {
		out, err := exec.CommandContext(ctx, wrk, "-t", strconv.Itoa(runtime.NumCPU()), "-c", strconv.Itoa(conns),
			"-d", fmt.Sprintf("%ds", int(d.Seconds())), "--latency", "-H", "Accept-Encoding: gzip", u).CombinedOutput()
		if err != nil {
			return 0, 0, 0, "", fmt.Errorf("wrk: %v\n%s", err, out)
		}
		rps, p50, p99, err = parseWrk(string(out))
		return rps, p50, p99, "wrk", err
	}
	r, err := loadURL(ctx, u, map[string]string{"Accept-Encoding": "gzip"}, conns, d)
	if err != nil {
		return 0, 0, 0, "", err
	}
	return r.RPS, r.P50, r.P99, "go", nil
}

var (
	wrkRPS     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
)

// parseWrk reads wrk's requests per second and its 50th and 99th latency
// percentiles (in ms) from its --latency output.
func parseWrk(out string) (rps, p50, p99 float64, err error) {
	m := wrkRPS.FindStringSubmatch(out)
	if m == nil {
		return 0, 0, 0, fmt.Errorf("no Requests/sec in wrk's output:\n%s", out)
	}
	rps, _ = strconv.ParseFloat(m[1], 64)
	for _, l := range wrkLatency.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(l[2], 64)
		switch l[3] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if l[1] == "50" {
			p50 = v
		} else {
			p99 = v
		}
	}
	if strings.Contains(out, "Non-2xx") {
		return 0, 0, 0, fmt.Errorf("wrk saw errors:\n%s", out)
	}
	return rps, p50, p99, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
