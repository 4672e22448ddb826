package bench

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
)

// The authcode scenario (issue 12) drives the browser sign-in the way a
// browser does, one fresh cookie jar (a new browser) per flow:
//
//  1. GET /oauth2/authorize with PKCE (S256), state and nonce: 200 and the
//     hosted login page;
//  2. POST its form (the hidden fields, the CSRF token, username and
//     password) with the CSRF cookie the page set, redirects not
//     followed: 302 or 303 to the redirect URI with code= and the same
//     state;
//  3. POST /oauth2/token grant_type=authorization_code with the code and
//     the verifier: 200 with an access token and an ID token.
//
// One flow is one counted request of the phase "renova" (flows per
// second); each step's latency is also recorded in a phase of its own
// ("login page", "login post", "code exchange"), whose errors stay empty:
// a failure is counted once, in the flow, by status and "step: reason".

// Steps of a browser flow, the names of their latency phases.
const (
	stepPage     = "login page"
	stepPost     = "login post"
	stepExchange = "code exchange"
)

var authcodeSteps = []string{stepPage, stepPost, stepExchange}

// maxPage bounds what the bench reads of the login page and the token
// answer: the real ones are a few kilobytes.
const maxPage = 1 << 20

// flowTimeout bounds one request of a flow, whatever the target's client
// allows.
const flowTimeout = 30 * time.Second

// Flow is what a completed browser flow handed the client.
type Flow struct {
	Access  string
	IDToken string
	Refresh string
}

// authcode is the authcode scenario: Connections workers each run browser
// flows back to back, a new browser every time.
func (r *run) authcode(ctx context.Context) error {
	if err := r.t.browserReady(); err != nil {
		return err
	}
	steps := newStepRecorders(r.cfg.Connections)
	res := r.phase("renova", r.cfg.Connections).run(ctx, r.authcodeOp(steps))
	r.rep.add(res)
	elapsed := time.Duration(res.Seconds * float64(time.Second))
	for i, name := range authcodeSteps {
		r.rep.add(steps.merged(i).result(name, elapsed))
	}
	r.rep.check("zero 5xx", res.FiveXX == 0, fmt.Sprintf("%d flows ended on a 5xx status", res.FiveXX))
	failed := errorsOf(res)
	r.rep.check("every flow got an id_token", failed == 0 && res.Requests > 0, fmt.Sprintf(
		"%d of %d flows ended with an ID token (authorize, login form, code exchange)", res.Requests-failed, res.Requests))
	return nil
}

// stepRecorders hold each worker's per-step latencies; workers never
// share one, so recording takes no lock.
type stepRecorders [][]*recorder // [worker][step]

func newStepRecorders(workers int) stepRecorders {
	s := make(stepRecorders, workers)
	for w := range s {
		s[w] = make([]*recorder, len(authcodeSteps))
		for i := range s[w] {
			s[w][i] = newRecorder()
		}
	}
	return s
}

// merged sums step i over the workers.
func (s stepRecorders) merged(i int) *recorder {
	total := newRecorder()
	for _, w := range s {
		total.merge(w[i])
	}
	return total
}

// browserReady says whether the target named a browser client.
func (t *Target) browserReady() error {
	if t.Creds.BrowserClientID == "" || t.Creds.RedirectURI == "" {
		return errors.New("the target has no public browser client with a redirect URI (--url: --client-id of one and --redirect-uri)")
	}
	return nil
}

// authcodeOp returns the browser work: each call is one complete flow of
// the next user, round-robin. steps, when not nil, gets each step's
// latency under the worker's index.
func (r *run) authcodeOp(steps stepRecorders) workFn {
	var next atomic.Int64
	return func(ctx context.Context, w int) (Outcome, bool, bool) {
		users := r.t.Creds.Users
		u := users[int(next.Add(1)-1)%len(users)]
		var rec []*recorder
		if steps != nil {
			rec = steps[w]
		}
		_, o := r.t.browserFlow(ctx, u, r.now, rec)
		return o, true, ctx.Err() != nil
	}
}

// browserFlow signs u in through the hosted login page with a new cookie
// jar and exchanges the code. rec, when not nil, gets each step's latency
// (index of authcodeSteps) as measured by now.
func (t *Target) browserFlow(ctx context.Context, u User, now func() time.Time, rec []*recorder) (Flow, Outcome) {
	jar, _ := cookiejar.New(nil) // never fails without options
	c := &http.Client{Transport: t.HTTP.Transport, Jar: jar, Timeout: flowTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	timed := func(step int, f func() (*http.Response, []byte, error)) (*http.Response, []byte, error) {
		t0 := now()
		resp, body, err := f()
		if rec != nil {
			rec[step].hist.Record(now().Sub(t0))
		}
		return resp, body, err
	}
	verifier, state, nonce := randomToken(32), randomToken(16), randomToken(16)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {t.Creds.BrowserClientID}, "redirect_uri": {t.Creds.RedirectURI},
		"scope": {"openid profile"}, "state": {state}, "nonce": {nonce},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	pageURL := t.URL + "/oauth2/authorize?" + q.Encode()

	// 1. The login page.
	resp, body, err := timed(0, func() (*http.Response, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Accept", "text/html")
		return send(c, req)
	})
	if err != nil {
		return Flow{}, Outcome{Reason: "authorize: " + transportReason(err)}
	}
	if resp.StatusCode != http.StatusOK {
		return Flow{}, Outcome{Status: resp.StatusCode, Reason: "authorize"}
	}
	action, fields, err := parseLoginForm(pageURL, body)
	if err != nil {
		return Flow{}, Outcome{Status: resp.StatusCode, Reason: "authorize: " + err.Error()}
	}

	// 2. The form, posted as a browser posts it.
	fields.Set("username", u.Login)
	fields.Set("password", u.Password)
	resp, body, err = timed(1, func() (*http.Response, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, action, strings.NewReader(fields.Encode()))
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return send(c, req)
	})
	if err != nil {
		return Flow{}, Outcome{Reason: "login: " + transportReason(err)}
	}
	code, o := codeFrom(resp, body, state)
	if code == "" {
		return Flow{}, o
	}

	// 3. The code exchange, as the public client.
	v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {t.Creds.RedirectURI},
		"client_id": {t.Creds.BrowserClientID}, "code_verifier": {verifier}}
	resp, body, err = timed(2, func() (*http.Response, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL+"/oauth2/token", strings.NewReader(v.Encode()))
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return send(c, req)
	})
	if err != nil {
		return Flow{}, Outcome{Reason: "token: " + transportReason(err)}
	}
	return parseCodeAnswer(resp.StatusCode, body)
}

// send does req with c and reads at most maxPage bytes of the answer.
func send(c *http.Client, req *http.Request) (*http.Response, []byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	return resp, body, err
}

// codeFrom reads the answer to the login form: a redirect whose Location
// carries code= and the state sent. Without a code it returns the
// flow's failure.
func codeFrom(resp *http.Response, body []byte, state string) (string, Outcome) {
	status := resp.StatusCode
	switch {
	case status == http.StatusTooManyRequests:
		return "", Outcome{Status: status, Reason: "login: throttled"}
	case status == http.StatusOK && loginFormRe.Match(body):
		return "", Outcome{Status: status, Reason: "login: form shown again"}
	case status != http.StatusFound && status != http.StatusSeeOther:
		return "", Outcome{Status: status, Reason: "login"}
	}
	loc, err := resp.Location()
	if err != nil {
		return "", Outcome{Status: status, Reason: "login: no Location"}
	}
	q := loc.Query()
	switch {
	case q.Get("error") != "":
		return "", Outcome{Status: status, Reason: "login: error=" + q.Get("error")}
	case q.Get("state") != state:
		return "", Outcome{Status: status, Reason: "login: state mismatch"}
	case q.Get("code") == "":
		return "", Outcome{Status: status, Reason: "login: no code"}
	}
	return q.Get("code"), Outcome{Status: status}
}

// parseCodeAnswer reads the token endpoint's answer to a code exchange:
// a success must carry an access token and an ID token.
func parseCodeAnswer(status int, body []byte) (Flow, Outcome) {
	var a struct {
		oauthAnswer
		IDToken string `json:"id_token"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return Flow{}, Outcome{Status: status, Reason: "token: unparsable body"}
	}
	switch {
	case status/100 != 2:
		reason := a.Reason
		if reason == "" {
			reason = a.Error
		}
		return Flow{}, Outcome{Status: status, Reason: strings.TrimSuffix("token: "+reason, ": ")}
	case a.AccessToken == "":
		return Flow{}, Outcome{Status: status, Reason: "token: no access_token"}
	case a.IDToken == "":
		return Flow{}, Outcome{Status: status, Reason: "token: no id_token"}
	}
	return Flow{Access: a.AccessToken, IDToken: a.IDToken, Refresh: a.RefreshToken}, Outcome{Status: status}
}

// The login page is renova's own html/template output, so a few regular
// expressions read it: the form's action and its hidden inputs. Attribute
// values are HTML-escaped; html.UnescapeString undoes that.
var (
	loginFormRe = regexp.MustCompile(`(?is)<form\b[^>]*>`)
	inputRe     = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	attrRe      = regexp.MustCompile(`(?is)\s([a-z-]+)\s*=\s*"([^"]*)"`)
)

// parseLoginForm returns where the login form posts (resolved against
// the page's URL) and its hidden fields; it needs a csrf field.
func parseLoginForm(pageURL string, body []byte) (string, url.Values, error) {
	form := loginFormRe.Find(body)
	if form == nil {
		return "", nil, errors.New("no login form")
	}
	action := attrs(form)["action"]
	base, err := url.Parse(pageURL)
	if err != nil {
		return "", nil, err
	}
	to, err := base.Parse(action)
	if err != nil {
		return "", nil, errors.New("bad form action")
	}
	fields := url.Values{}
	for _, in := range inputRe.FindAll(body, -1) {
		a := attrs(in)
		if strings.EqualFold(a["type"], "hidden") && a["name"] != "" {
			fields.Set(a["name"], a["value"])
		}
	}
	if fields.Get("csrf") == "" {
		return "", nil, errors.New("no csrf field")
	}
	return to.String(), fields, nil
}

// attrs reads the quoted attributes of one tag, unescaped.
func attrs(tag []byte) map[string]string {
	m := map[string]string{}
	for _, a := range attrRe.FindAllSubmatch(tag, -1) {
		m[strings.ToLower(string(a[1]))] = html.UnescapeString(string(a[2]))
	}
	return m
}

// randomToken returns n random bytes, base64url without padding (a PKCE
// verifier of 32 bytes is 43 characters, RFC 7636 §4.1).
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
