package admin

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net/http"
)

// stream is an NDJSON answer written as it is produced (the audit export,
// the user import). The 200 and its headers go out with the first line,
// so an error before it can still be answered as a problem.
type stream struct {
	w       http.ResponseWriter
	bw      *bufio.Writer
	enc     *json.Encoder
	started bool
}

func newStream(w http.ResponseWriter) *stream {
	bw := bufio.NewWriter(w)
	return &stream{w: w, bw: bw, enc: json.NewEncoder(bw)}
}

// Encode writes v as the next line.
func (s *stream) Encode(v any) error {
	s.start()
	return s.enc.Encode(v)
}

func (s *stream) start() {
	if !s.started {
		s.started = true
		s.w.Header().Set("Content-Type", "application/x-ndjson")
		s.w.Header().Set("Cache-Control", "no-store")
		s.w.WriteHeader(http.StatusOK)
	}
}

// End finishes the answer after the producer returned err. Before the
// first line, err is returned for a problem answer; after it, the answer
// is flushed, and a failure (err or the flush's) is logged with what,
// then ends the connection: a half-written stream must not look whole.
func (s *stream) End(r *http.Request, logger *slog.Logger, what string, err error, attrs ...any) error {
	if err != nil && !s.started {
		return err
	}
	s.start()
	if ferr := s.bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		logger.WarnContext(r.Context(), what+" cut short", append(attrs, "err", err)...)
		panic(http.ErrAbortHandler)
	}
	return nil
}
