// Package e2e holds renova's end-to-end tests of the browser sign-in
// (issue 12): a real renova on loopback (internal/apptest), real headless
// Chromium (internal/apptest/browser), and independent OIDC client
// libraries as the relying party (coreos/go-oidc, golang.org/x/oauth2).
// It has no code of its own besides the tests.
package e2e
