package cli

import (
	"strings"
	"testing"
	"time"
)

func TestLogWriter(t *testing.T) {
	var out syncBuf
	lw := newLogWriter(&out, time.Hour)
	lw.Write([]byte("time=x level=INFO msg=request\n"))
	if out.String() != "" {
		t.Errorf("an info line was written at once: %q", out.String())
	}
	lw.Write([]byte("time=x level=ERROR msg=broken\n"))
	if got := out.String(); !strings.Contains(got, "msg=request") || !strings.Contains(got, "msg=broken") {
		t.Errorf("an error did not write out the log: %q", got)
	}
	lw.Write([]byte("time=x level=INFO msg=last\n"))
	lw.Close()
	if !strings.Contains(out.String(), "msg=last") {
		t.Errorf("Close lost a line: %q", out.String())
	}
	lw2 := newLogWriter(&out, 10*time.Millisecond)
	defer lw2.Close()
	lw2.Write([]byte("level=INFO msg=ticked\n"))
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "msg=ticked") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "msg=ticked") {
		t.Error("the interval never wrote the line out")
	}
}
