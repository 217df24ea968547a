package webtest

import (
	"context"
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
