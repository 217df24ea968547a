// Package webtest helps tests drive the reading site in a real browser:
// headless Chromium through the DevTools protocol (chromedp). Any package's
// tests can use it, such as an end-to-end test of the CLI's serve command.
package webtest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// BrowserTimeout bounds everything one test does in the browser, so a hung
// browser fails the test instead of stalling the whole run.
const BrowserTimeout = 2 * time.Minute

// Browser starts a fresh headless Chromium for t and returns a chromedp
// context for its first tab; pass it to chromedp.Run. It skips the test when
// no Chromium is installed. The browser gets its own profile in t.TempDir(),
// so no cookie or cache leaks between tests, and is stopped when the test
// ends. The context expires after BrowserTimeout. When the environment sets
// FANARCHIVE_REQUIRE_BROWSER (CI does), a missing Chromium fails the test
// instead of skipping it.
//
// The browser is started here, so a failure to launch fails the test at
// once, with the browser's output in the log.
func Browser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("FANARCHIVE_REQUIRE_BROWSER") != "" {
			t.Fatal("no chromium (or chromium-browser) on PATH, and FANARCHIVE_REQUIRE_BROWSER is set (as .ci/run sets it)")
		}
		t.Skip("skipping browser test: no chromium (or chromium-browser) on PATH; install Debian's chromium package to run it")
	}

	var output syncBuffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests often run as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 768),
		chromedp.CombinedOutput(&output),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), BrowserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		// Close the browser and wait for it, so its profile directory can be
		// removed.
		if err := chromedp.Cancel(browserCtx); err != nil {
			t.Logf("close Chromium: %v", err)
		}
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})

	// Running no action starts the browser with this context, which then
	// owns it; callers may run actions with shorter-lived contexts derived
	// from it.
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start Chromium %s: %v\nbrowser output:\n%s", path, err, output.String())
	}
	return browserCtx
}

// chromiumPath returns the path of an installed Chromium, or "".
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// syncBuffer collects the browser's output for error messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
