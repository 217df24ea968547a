package webtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// StepTimeout bounds one step of a Steps: a page that never shows what a
// step waits for fails the test with the step's name.
const StepTimeout = 30 * time.Second

// Steps drives a browser from Browser a named step at a time, each within
// StepTimeout, failing the test with the step's name when one fails.
type Steps struct {
	t       testing.TB
	browser context.Context
}

// NewSteps returns the steps of t in browser.
func NewSteps(t testing.TB, browser context.Context) *Steps { return &Steps{t: t, browser: browser} }

// Do runs the actions of the step what.
func (s *Steps) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.browser, StepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
}

// Text returns the text of the first element that sel selects.
func (s *Steps) Text(sel string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.browser, StepTimeout)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("read %s: %v", sel, err)
	}
	return text
}

// Value returns the value of the first form field that sel selects.
func (s *Steps) Value(sel string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.browser, StepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

// HTML returns the outer HTML of the first element that sel selects.
func (s *Steps) HTML(sel string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.browser, StepTimeout)
	defer cancel()
	html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("read %s: %v", sel, err)
	}
	return html
}

// Submit clicks the first element sel selects — a form's button or a
// link — and waits until the page it leads to has loaded. Waiting only for
// an element the next page shows is not enough when the page being left
// shows one too: the wait can pass before the browser leaves, and the
// next read then meets a page that is going away.
func Submit(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Evaluate[bool](`window.__webtestLeaving = true`)(ctx, t); err != nil {
			return fmt.Errorf("mark the page before clicking %s: %w", sel, err)
		}
		if _, err := chromedp.Click(chromedp.CSS(sel))(ctx, t); err != nil {
			return err
		}
		for {
			// While the browser swaps documents the evaluation can fail
			// (its context is gone); that is the wait, not an error.
			arrived, err := chromedp.Evaluate[bool](`!window.__webtestLeaving && document.readyState === "complete"`)(ctx, t)
			if err == nil && arrived {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("no new page after clicking %s: %w", sel, ctx.Err())
			case <-time.After(25 * time.Millisecond):
			}
		}
	})
}
