// Package procstat reads what Linux's /proc says of a process and of the
// machine — resident memory, CPU time, load — for the benchmark commands,
// which report them beside their timings. On systems without /proc the
// readings are zero or empty.
package procstat

import (
	"os"
	"strconv"
	"strings"
)

// Memory returns a process's resident set size and its peak (VmRSS and
// VmHWM), in MB; pid 0 is this process.
func Memory(pid int) (rss, peak float64) {
	b, err := os.ReadFile(path(pid, "status"))
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

// CPUSeconds returns the CPU time a process has used, user and system
// (from /proc/PID/stat, in clock ticks of 100 a second); pid 0 is this
// process.
func CPUSeconds(pid int) float64 {
	b, err := os.ReadFile(path(pid, "stat"))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100
}

// LoadAvg returns the machine's load averages over 1, 5 and 15 minutes, as
// /proc/loadavg writes them ("0.52 0.61 0.70"), or "" without it.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

func path(pid int, file string) string {
	if pid == 0 {
		return "/proc/self/" + file
	}
	return "/proc/" + strconv.Itoa(pid) + "/" + file
}
