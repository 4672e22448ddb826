// Package floor is the benchmark's reference point (issue 8): the least a
// refresh-token endpoint can do on this machine. It parses the token from
// a form, rotates it in ONE storage round trip (SQLite: one IMMEDIATE
// transaction on a single writer connection, UPDATE … RETURNING then
// INSERT; PostgreSQL: one statement, WITH u AS (UPDATE … RETURNING …)
// INSERT … SELECT … FROM u), signs ONE ES256 JWT with golang-jwt, and
// answers RFC 6749 JSON. It has no client authentication, no sessions
// table, no grace window, no audit and no metrics: whatever renova does on
// top of this is what its ratio to the floor prices.
//
// It is a benchmark instrument, not a token service: never serve it.
package floor

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ErrNotClaimed means the presented token is unknown or already used.
var ErrNotClaimed = errors.New("floor: token not claimable")

// rotator is the floor's storage: open stores a session's first token,
// rotate claims a token and stores its successor in one round trip.
type rotator interface {
	open(ctx context.Context, session string, hash []byte, now time.Time) error
	rotate(ctx context.Context, hash, next []byte, now time.Time) (session string, err error)
	// anomalies counts the sessions that do not have exactly one unused token.
	anomalies(ctx context.Context) (sessions, bad int, err error)
	close() error
}

// Server is the floor's HTTP endpoint.
type Server struct {
	st  rotator
	key *ecdsa.PrivateKey
	kid string
}

// Open opens the floor's storage at dbURL: sqlite:PATH (a file of its
// own) or postgres://... (a table floor_tokens in the URL's search_path),
// with at most maxConns PostgreSQL connections.
func Open(ctx context.Context, dbURL string, maxConns int) (*Server, error) {
	var st rotator
	var err error
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		st, err = openSQLite(ctx, path)
	} else {
		st, err = openPostgres(ctx, dbURL, maxConns)
	}
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		st.close()
		return nil, err
	}
	return &Server{st: st, key: key, kid: random(8)}, nil
}

// Close releases the storage.
func (s *Server) Close() error { return s.st.close() }

// Anomalies counts the sessions and those without exactly one unused
// token: the floor keeps the same invariant renova does.
func (s *Server) Anomalies(ctx context.Context) (sessions, bad int, err error) {
	return s.st.anomalies(ctx)
}

// Handler serves POST /oauth2/token: grant_type=password opens a session
// (no password is checked: logins are not what the floor measures) and
// grant_type=refresh_token rotates.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", s.token)
	return mux
}

// answer is RFC 6749 §5.1 and §5.2 in one.
type answer struct {
	AccessToken  string `json:"access_token,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
	ExpiresIn    int64  `json:"expires_in,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Error        string `json:"error,omitempty"`
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		write(w, http.StatusBadRequest, answer{Error: "invalid_request"})
		return
	}
	now := time.Now()
	next := make([]byte, 32)
	rand.Read(next)
	nextHash := sha256.Sum256(next)
	var session string
	var err error
	switch r.PostForm.Get("grant_type") {
	case "password":
		session = random(12)
		err = s.st.open(r.Context(), session, nextHash[:], now)
	case "refresh_token":
		raw, derr := base64.RawURLEncoding.DecodeString(r.PostForm.Get("refresh_token"))
		if derr != nil || len(raw) != 32 {
			write(w, http.StatusBadRequest, answer{Error: "invalid_grant"})
			return
		}
		h := sha256.Sum256(raw)
		session, err = s.st.rotate(r.Context(), h[:], nextHash[:], now)
	default:
		write(w, http.StatusBadRequest, answer{Error: "unsupported_grant_type"})
		return
	}
	if errors.Is(err, ErrNotClaimed) {
		write(w, http.StatusBadRequest, answer{Error: "invalid_grant"})
		return
	}
	if err != nil {
		write(w, http.StatusInternalServerError, answer{Error: "server_error"})
		return
	}
	s.grant(w, session, base64.RawURLEncoding.EncodeToString(next), now)
}

// grant signs the access token and writes the answer.
func (s *Server) grant(w http.ResponseWriter, session, refresh string, now time.Time) {
	exp := now.Add(15 * time.Minute)
	t := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.RegisteredClaims{Issuer: "floor", Subject: session,
		Audience: jwt.ClaimStrings{"floor"}, IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp), ID: random(16)})
	t.Header["kid"] = s.kid
	at, err := t.SignedString(s.key)
	if err != nil {
		write(w, http.StatusInternalServerError, answer{Error: "server_error"})
		return
	}
	write(w, http.StatusOK, answer{AccessToken: at, TokenType: "Bearer", ExpiresIn: 900, RefreshToken: refresh})
}

func write(w http.ResponseWriter, status int, a answer) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(a)
}

func random(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
