// Package browser drives a real headless Chromium from tests, through the
// DevTools protocol (chromedp), so end-to-end tests exercise the pages a
// person sees: navigate, fill a field by its label, submit, read where the
// browser ended up, take a screenshot.
//
// The browser is Debian's chromium, never a downloaded one: its path is
// RENOVA_TEST_CHROMIUM, else /usr/bin/chromium. Without either the test
// skips locally and fails in CI (CI is set), as the PostgreSQL tests do;
// .ci/run installs the package and sets the variable.
//
// Every step is bounded (Browser.Step, 20 s by default), so a page that
// never loads fails the test instead of hanging the run.
package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultPath is where Debian's chromium package puts the browser.
const DefaultPath = "/usr/bin/chromium"

// ExecPath returns the Chromium to run: RENOVA_TEST_CHROMIUM, else
// DefaultPath when it exists. Without one it skips the test locally and
// fails it in CI.
func ExecPath(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("RENOVA_TEST_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			tb.Fatalf("RENOVA_TEST_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	if _, err := os.Stat(DefaultPath); err == nil {
		return DefaultPath
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("no Chromium: CI must install Debian's chromium (.ci/run does) or set RENOVA_TEST_CHROMIUM")
	}
	tb.Skip("no Chromium: apt-get install chromium, or set RENOVA_TEST_CHROMIUM, to run the browser tests")
	return ""
}

// Flags are the command-line switches every test browser gets: headless,
// no sandbox (tests run as root in CI), and nothing that talks to the
// network on its own.
var Flags = []string{"headless", "no-sandbox", "disable-gpu", "disable-quic", "no-first-run",
	"disable-background-networking", "disable-component-update", "disable-sync"}

// Options adjust a browser.
type Options struct {
	// Lang is the browser's UI language and Accept-Language, e.g. "pt-BR"
	// (default en-US).
	Lang string
	// Width and Height are the window size (default 1024×768).
	Width, Height int
	// Step bounds each step (default 20 s).
	Step time.Duration
}

// Browser is one headless Chromium with one tab, closed when the test ends.
type Browser struct {
	tb   testing.TB
	ctx  context.Context
	Step time.Duration

	mu      sync.Mutex
	console []string // the browser's console and log, for failure messages
}

// Start launches Chromium with a fresh profile in a temporary directory.
func Start(tb testing.TB, opt Options) *Browser {
	tb.Helper()
	path := ExecPath(tb)
	if opt.Lang == "" {
		opt.Lang = "en-US"
	}
	if opt.Width == 0 {
		opt.Width, opt.Height = 1024, 768
	}
	if opt.Step == 0 {
		opt.Step = 20 * time.Second
	}
	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(opt.Width, opt.Height),
		chromedp.Flag("lang", opt.Lang),
		chromedp.Flag("accept-lang", opt.Lang),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Env("LANGUAGE=" + strings.ReplaceAll(opt.Lang, "-", "_")),
		chromedp.WSURLReadTimeout(opt.Step),
	}
	for _, f := range Flags {
		allocOpts = append(allocOpts, chromedp.Flag(f, true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(tb.Logf), chromedp.WithErrorf(func(f string, a ...any) {
		// The protocol sometimes reports events this chromedp does not know;
		// they are noise, not failures.
		tb.Logf("chromedp: "+f, a...)
	}))
	tb.Cleanup(func() {
		// Closing is bounded too: a wedged browser is killed with its
		// allocator.
		done := make(chan struct{})
		go func() {
			cancelTab()
			cancelAlloc()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(opt.Step):
			tb.Logf("browser: closing Chromium took longer than %v", opt.Step)
		}
	})
	b := &Browser{tb: tb, ctx: ctx, Step: opt.Step}
	// The first Run starts the browser and binds its life to its context,
	// so it runs on ctx itself and is bounded from outside.
	errc := make(chan error, 1)
	go func() { errc <- chromedp.Do(ctx) }()
	select {
	case err := <-errc:
		if err != nil {
			tb.Fatalf("start Chromium %s: %v", path, err)
		}
	case <-time.After(opt.Step):
		cancelTab()
		cancelAlloc()
		tb.Fatalf("start Chromium %s: no answer within %v", path, opt.Step)
	}
	// Keep the console and the browser log (CSP violations, blocked
	// navigations) so that a failing step can say why.
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			b.mu.Lock()
			if len(b.console) == 50 {
				b.console = b.console[1:]
			}
			b.console = append(b.console, m.String())
			b.mu.Unlock()
		}
	}()
	return b
}

// Console returns the latest console and browser log messages.
func (b *Browser) Console() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// fatalf fails the test with the current URL and the console appended.
func (b *Browser) fatalf(format string, a ...any) {
	b.tb.Helper()
	msg := fmt.Sprintf(format, a...) + " (at " + b.location() + ")"
	if c := b.Console(); len(c) > 0 {
		msg += "\nbrowser console:\n  " + strings.Join(c, "\n  ")
	}
	b.tb.Fatal(msg)
}

// run runs steps under the step timeout and fails the test on error.
func (b *Browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Step)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fatalf("browser: %s: %v", what, err)
	}
}

// location is the current URL for error messages, "?" when unknown.
func (b *Browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return u
}

// Navigate loads url and waits for its load event (after any redirects).
func (b *Browser) Navigate(url string) {
	b.tb.Helper()
	b.run("navigate to "+url, chromedp.Navigate(url))
}

// URL returns the current address of the tab.
func (b *Browser) URL() string {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Step)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.tb.Fatalf("browser: location: %v", err)
	}
	return u
}

// WaitURL waits until the tab's address starts with prefix and returns it.
func (b *Browser) WaitURL(prefix string) string {
	b.tb.Helper()
	deadline := time.Now().Add(b.Step)
	for {
		u := b.location()
		if strings.HasPrefix(u, prefix) {
			return u
		}
		if time.Now().After(deadline) {
			b.fatalf("browser: waited %v for %s", b.Step, prefix)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// field is an XPath that finds a form control by id, by name, or by the
// text of its <label> (for= or wrapping).
func field(key string) chromedp.Search {
	k := xpathLiteral(key)
	ctl := "self::input or self::textarea or self::select"
	return chromedp.Search(fmt.Sprintf(
		"//*[(%[2]s) and (@id=%[1]s or @name=%[1]s)]"+
			" | //*[(%[2]s) and @id=//label[normalize-space(.)=%[1]s]/@for]"+
			" | //label[normalize-space(.)=%[1]s]//*[%[2]s]", k, ctl))
}

// xpathLiteral quotes s for XPath 1.0, which has no escape character.
func xpathLiteral(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	parts := strings.Split(s, "'")
	return "concat('" + strings.Join(parts, `', "'", '`) + "')"
}

// Fill types value into the form control whose id, name or label text is
// key, replacing what it held, as a person typing would.
func (b *Browser) Fill(key, value string) {
	b.tb.Helper()
	sel := field(key)
	b.run("fill "+key, chromedp.WaitVisible(sel), chromedp.Clear(sel), chromedp.SendKeys(sel, value))
}

// Value reads the current value of the form control with id, name or label
// key.
func (b *Browser) Value(key string) string {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Step)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(field(key)))
	if err != nil {
		b.tb.Fatalf("browser: value of %s: %v", key, err)
	}
	return v
}

// Submit clicks the page's submit button, as a person would, and waits
// for the document that answers (the POST's answer, or where it
// redirects) to load.
func (b *Browser) Submit() {
	b.tb.Helper()
	b.ClickAndWait("//button[@type='submit' or not(@type)] | //input[@type='submit']")
}

// selector turns a button's text into an XPath; an XPath or CSS selector
// is kept.
func selector(sel string) chromedp.Search {
	if !strings.ContainsAny(sel, "/[#.=") {
		sel = fmt.Sprintf("//button[normalize-space(.)=%s] | //input[@type='submit' and @value=%[1]s]", xpathLiteral(sel))
	}
	return chromedp.Search(sel)
}

// Click clicks the first element matching an XPath or CSS selector, or the
// button whose text is sel.
func (b *Browser) Click(sel string) {
	b.tb.Helper()
	s := selector(sel)
	b.run("click "+sel, chromedp.WaitVisible(s), chromedp.Click(s))
}

// ClickAndWait clicks like Click and waits until a new document has
// replaced the current one and loaded.
func (b *Browser) ClickAndWait(sel string) {
	b.tb.Helper()
	before := b.documentID()
	b.Click(sel)
	deadline := time.Now().Add(b.Step)
	for {
		if id := b.documentID(); id != "" && id != before {
			b.waitReady()
			return
		}
		if time.Now().After(deadline) {
			b.fatalf("browser: clicking %s loaded no new page within %v", sel, b.Step)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// documentID tells one loaded document from the next: a random marker
// stored on the window, "" while none answers.
func (b *Browser) documentID() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`window.__apptestDoc || (window.__apptestDoc = Math.random().toString(36).slice(2))`))
	if err != nil {
		return ""
	}
	return v
}

// waitReady waits until the current document has finished loading.
func (b *Browser) waitReady() {
	b.tb.Helper()
	b.run("wait for the page", chromedp.WaitReady(chromedp.Search("body")))
}

// Text returns the visible text of the page's body.
func (b *Browser) Text() string {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Step)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		b.tb.Fatalf("browser: page text: %v", err)
	}
	return s
}

// HTML returns the current document's markup.
func (b *Browser) HTML() string {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Step)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.Search("html")))
	if err != nil {
		b.tb.Fatalf("browser: page HTML: %v", err)
	}
	return s
}

// Has reports whether an element matches an XPath or CSS selector now,
// without waiting for one.
func (b *Browser) Has(sel string) bool {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Step)
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(
		`document.evaluate(%s, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null).snapshotLength`,
		jsString(sel))))
	if err != nil {
		b.tb.Fatalf("browser: look for %s: %v", sel, err)
	}
	return n > 0
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&sb, `\u%04x`, r)
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// Screenshot saves a PNG of the whole page to path, creating its folder.
func (b *Browser) Screenshot(path string) []byte {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Step)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.tb.Fatalf("browser: screenshot: %v", err)
	}
	if !isPNG(png) {
		b.tb.Fatalf("browser: screenshot is not a PNG (%d bytes)", len(png))
	}
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			b.tb.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			b.tb.Fatal(err)
		}
	}
	return png
}

func isPNG(b []byte) bool { return len(b) > 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n" }
