package legacy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Outcomes of a legacy call. Only these two leave the package, wrapped
// with a description that never holds a token, a password or the answer's
// body.
var (
	// ErrRejected means the legacy system answered 4xx: the token is dead
	// there or the password is wrong. It is an answer, not a fault.
	ErrRejected = errors.New("legacy: rejected")
	// ErrUnavailable means the legacy system could not give an answer:
	// down, slow beyond the timeout, 5xx, a redirect, or a body too large
	// or of the wrong shape. It is never taken for a dead token.
	ErrUnavailable = errors.New("legacy: unavailable")
)

// MaxBody bounds the body read from the legacy system; a longer answer is
// a fault (ErrUnavailable), read no further.
const MaxBody = 64 << 10

// Caller sends requests to one legacy system.
type Caller struct {
	cfg    *Config
	client *http.Client
}

// NewCaller returns a caller for cfg. Redirects are never followed: a
// token or password must reach only the configured host, so a 3xx is a
// fault like a 5xx. transport may be nil (http.DefaultTransport).
func NewCaller(cfg *Config, transport http.RoundTripper) *Caller {
	c := &http.Client{Timeout: cfg.Timeout, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Caller{cfg: cfg, client: c}
}

// Request is one call: a method, a path below the configured URL, a body
// with its content type, and extra headers (Authorization, Accept).
// Query is appended to the URL but, unlike Path, never named in an error
// (HDI's partner key travels in the query, seed 003).
type Request struct {
	Method, Path string
	Query        url.Values
	ContentType  string
	Body         []byte
	Header       http.Header
}

// Do sends r and returns the body of a 200 (read at most MaxBody bytes).
// A 4xx is ErrRejected; anything else that is not 2xx, a network error, a
// timeout or an oversized body is ErrUnavailable.
func (c *Caller) Do(ctx context.Context, r Request) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	target := c.cfg.URL.String() + r.Path
	if len(r.Query) > 0 {
		target += "?" + r.Query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, target, bytes.NewReader(r.Body))
	if err != nil {
		return nil, fmt.Errorf("%w: build request %s %s", ErrUnavailable, r.Method, r.Path) // err would quote the URL and its query
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	start := time.Now()
	resp, err := c.client.Do(req)
	if err != nil {
		// The url.Error names the URL, which holds no secret (parseURL).
		return nil, fmt.Errorf("%w: %s %s after %s: %v", ErrUnavailable, r.Method, r.Path, time.Since(start).Round(time.Millisecond), errors.Unwrap(err))
	}
	defer resp.Body.Close()
	return read(resp, r)
}

// read classifies a response and reads its body, bounded.
func read(resp *http.Response, r Request) ([]byte, error) {
	switch {
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxBody)) // lets the connection be reused
		return nil, fmt.Errorf("%w: %s %s answered %d", ErrRejected, r.Method, r.Path, resp.StatusCode)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, fmt.Errorf("%w: %s %s answered %d", ErrUnavailable, r.Method, r.Path, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: read body: %v", ErrUnavailable, r.Method, r.Path, err)
	}
	if len(body) > MaxBody {
		return nil, fmt.Errorf("%w: %s %s: body over %d bytes", ErrUnavailable, r.Method, r.Path, MaxBody)
	}
	return body, nil
}

// Garbage wraps a decoding failure of a 200 body as ErrUnavailable,
// naming only what was wrong with it, never the body.
func Garbage(what string) error {
	return fmt.Errorf("%w: answer of the wrong shape: %s", ErrUnavailable, what)
}
