package standard_test

import (
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// TestLoginPageRetryAfter: the hosted login page of a throttled account
// answers 429 with Retry-After, and a message, of the real time left in
// the window on the fake clock, and signs in once it ends (issue 14).
func TestLoginPageRetryAfter(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	c := newAppClient(t, env, true)
	_, challenge := pkce()
	b := newBrowser(t, env)
	form := formFields(t, b.get("/oauth2/authorize", authParams(c, loopbackCB, challenge)))
	form.Set("username", env.Creds.AdminLogin)
	form.Set("password", "wrong")
	for range 10 {
		b.postForm("/oauth2/login", form)
	}
	form.Set("password", env.Creds.AdminPass)
	for _, step := range []struct {
		advance time.Duration
		want    string
	}{{5 * time.Minute, "600"}, {599*time.Second + 500*time.Millisecond, "1"}} {
		env.Clock.Advance(step.advance)
		r := b.postForm("/oauth2/login", form)
		if r.Status != 429 || r.Header.Get("Retry-After") != step.want || !strings.Contains(string(r.Body), "try again in "+step.want+" seconds") {
			t.Errorf("throttled login after %v = %d, Retry-After %q; want 429, %q and the same in the message", step.advance, r.Status, r.Header.Get("Retry-After"), step.want)
		}
	}
	env.Clock.Advance(500 * time.Millisecond)
	b.postForm("/oauth2/login", form)
	if b.cookie("renova_bs") == "" {
		t.Error("not signed in once the window ended")
	}
}
