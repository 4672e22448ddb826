package browser

import (
	"bytes"
	"html/template"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var formPage = template.Must(template.New("form").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><h1>Sign in</h1>
<form method="post" action="/submit">
  <label for="user">User name</label> <input id="user" name="username" autocomplete="off">
  <label>Pass word <input type="password" name="pw"></label>
  <label for="note">It's "quoted"</label> <input id="note" name="note" value="old">
  <button type="submit">Sign in</button>
</form></body></html>`))

// TestBrowserFormPostRedirect proves the harness on a tiny loopback page:
// a form filled by label, id and wrapping label, a real POST, a 303 and
// the page it leads to, and a PNG screenshot.
func TestBrowserFormPostRedirect(t *testing.T) {
	var mu sync.Mutex
	var posted url.Values
	mux := http.NewServeMux()
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		formPage.Execute(w, nil)
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			http.Error(w, "content type "+ct, http.StatusUnsupportedMediaType)
			return
		}
		r.ParseForm()
		mu.Lock()
		posted = r.PostForm
		mu.Unlock()
		http.Redirect(w, r, "/done?user="+url.QueryEscape(r.PostForm.Get("username")), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		template.Must(template.New("").Parse(`<!doctype html><html><body><p>Hello, {{.}}!</p></body></html>`)).
			Execute(w, r.URL.Query().Get("user"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	b := Start(t, Options{})
	b.Navigate(srv.URL + "/form")
	if !b.Has("//h1[.='Sign in']") {
		t.Fatalf("form page not shown:\n%s", b.HTML())
	}
	b.Fill("User name", "ana <b>")
	b.Fill("Pass word", "s3cret'\"")
	b.Fill(`It's "quoted"`, "new")
	if got := b.Value("user"); got != "ana <b>" {
		t.Fatalf("field user holds %q", got)
	}
	shot := filepath.Join(t.TempDir(), "form.png")
	b.Screenshot(shot)
	b.Submit()
	u := b.WaitURL(srv.URL + "/done")
	if q, _ := url.Parse(u); q.Query().Get("user") != "ana <b>" {
		t.Fatalf("redirected to %s", u)
	}
	if txt := b.Text(); !strings.Contains(txt, "Hello, ana <b>!") {
		t.Fatalf("page text %q", txt)
	}
	mu.Lock()
	got := posted
	mu.Unlock()
	if got.Get("pw") != `s3cret'"` || got.Get("note") != "new" || got.Get("username") != "ana <b>" {
		t.Fatalf("posted %v", got)
	}

	raw, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() < 200 || r.Dy() < 200 {
		t.Fatalf("screenshot is %v", r)
	}
}

func TestXPathLiteral(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:      `'plain'`,
		`it's`:       `"it's"`,
		`it's "x"`:   `concat('it', "'", 's "x"')`,
		`'a'`:        `"'a'"`,
		`'a' "b"`:    `concat('', "'", 'a', "'", ' "b"')`,
		`say "hi"`:   `'say "hi"'`,
		`label text`: `'label text'`,
	} {
		if got := xpathLiteral(in); got != want {
			t.Errorf("xpathLiteral(%q) = %s, want %s", in, got, want)
		}
	}
}
