package cli

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress draws an import's progress on a terminal, one bar per stage
// ("reading files", "storing works"), and nothing at all when the output is
// not a terminal (a log file, a pipe, a test).
type progress struct {
	out   io.Writer
	stage string
	bar   *progressbar.ProgressBar
}

// newProgress returns a progress display on w, silent unless w is a
// terminal.
func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &progress{}
	}
	return &progress{out: w}
}

var stageNames = map[string]string{"read": "reading files", "store": "storing works"}

// update shows that done of total items of a stage are finished.
func (p *progress) update(stage string, done, total int) {
	if p.out == nil {
		return
	}
	if stage != p.stage || p.bar == nil {
		p.finish()
		p.stage = stage
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.out),
			progressbar.OptionSetDescription(stageNames[stage]),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100_000_000), // 100 ms
		)
	}
	_ = p.bar.Set(done)
}

// finish removes the bar, if any.
func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}
