package formulacerta

import (
	"net/http"
	"os"
	"testing"

	"github.com/renova-auth/renova/internal/httpx"
)

// mediaTypes are the Content-Types the fuzzer picks from (by index).
var mediaTypes = []string{"application/json", "text/xml", "application/x-www-form-urlencoded", "text/plain"}

// FuzzDecode feeds arbitrary bodies to both models' decoders in every
// format: they must never panic, every error must be a client error
// (httpx.DecodeError with 400, 413 or 415), and a success must carry the
// required members.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"seed_request.json", "seed_request.xml"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(0), b)
		f.Add(uint8(1), b)
	}
	f.Add(uint8(2), []byte("AccessTokenOld=a&AccessTokenRefresh=b"))
	f.Add(uint8(2), []byte("UserName=a&Password=b&userName=c"))
	f.Add(uint8(0), []byte(`{"UserName":"a","Password":"b","x":[{}]}`))
	f.Add(uint8(1), []byte(`<LoginBindingModel `+ns+`><Email>e</Email><Password i:nil="true" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/></LoginBindingModel>`))
	f.Add(uint8(1), []byte(`<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`))
	f.Add(uint8(3), []byte(`{}`))
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		ct := mediaTypes[int(kind)%len(mediaTypes)]
		if req, err := decodeRefresh(request(ct, string(body))); err != nil {
			checkDecodeErr(t, err)
		} else if req.AccessTokenOld == "" || req.AccessTokenRefresh == "" {
			t.Errorf("decodeRefresh(%q, %q) = %+v without an error", ct, body, req)
		}
		if req, err := decodeLogin(request(ct, string(body))); err != nil {
			checkDecodeErr(t, err)
		} else if req.login() == "" || req.Password == "" {
			t.Errorf("decodeLogin(%q, %q) = %+v without an error", ct, body, req)
		}
	})
}

func checkDecodeErr(t *testing.T, err error) {
	t.Helper()
	de := httpx.IsDecode(err)
	if de == nil {
		t.Fatalf("decode error %v is not a DecodeError", err)
	}
	switch de.Status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
	default:
		t.Fatalf("decode error %v has status %d", err, de.Status)
	}
}
