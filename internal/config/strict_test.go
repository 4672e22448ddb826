package config

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestUnknownFileKey: a key of the config file that names no setting stops
// the load, naming the key and, when close, the setting probably meant.
func TestUnknownFileKey(t *testing.T) {
	cases := []struct{ file, want string }{
		{`{"databse_url": "sqlite:other.db"}`, "databse_url: unknown setting (did you mean database_url?)"},
		{`{"log-level": "debug"}`, "log-level: unknown setting (did you mean log_level?)"},
		{`{"HTTP_ADDR": "127.0.0.1:1"}`, "HTTP_ADDR: unknown setting (did you mean http_addr?)"},
		{`{"stroe_timeout": "1s"}`, "stroe_timeout: unknown setting (did you mean store_timeout?)"},
		{`{"colour": "blue"}`, "colour: unknown setting"},
		{`{"secret": "x"}`, "secret: unknown setting"},
	}
	for _, c := range cases {
		_, err := load(t, nil, nil, c.file)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("file %s: err = %v, want %q", c.file, err, c.want)
		}
		if err != nil && !strings.Contains(c.want, "(") && strings.Contains(err.Error(), "did you mean") {
			t.Errorf("file %s: err = %v suggests a key that is not close", c.file, err)
		}
	}
	// Every unknown key is named in one pass.
	_, err := load(t, nil, nil, `{"zz_b": 1, "zz_a": 2, "http_addr": "127.0.0.1:1"}`)
	if err == nil || !strings.Contains(err.Error(), "zz_a: unknown setting; zz_b: unknown setting") {
		t.Errorf("two unknown keys: err = %v", err)
	}
}

// TestKnownFileKeys: every setting's key and "mounts" are accepted.
func TestKnownFileKeys(t *testing.T) {
	file := map[string]json.RawMessage{}
	for _, k := range fileKeys() {
		file[k] = json.RawMessage(`""`)
	}
	if err := checkKeys(file); err != nil {
		t.Errorf("checkKeys(every known key) = %v", err)
	}
}

// TestBadDurationNamesKey: a malformed duration from the file names the
// setting and the value.
func TestBadDurationNamesKey(t *testing.T) {
	_, err := load(t, nil, nil, `{"store_timeout": "3 seconds"}`)
	if err == nil || !strings.Contains(err.Error(), "store-timeout") || !strings.Contains(err.Error(), `"3 seconds"`) {
		t.Errorf("err = %v, want the key and the value", err)
	}
}
