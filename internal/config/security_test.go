package config

import (
	"strings"
	"testing"
)

// TestLoginSlowdownAfter: the per-account slowdown threshold defaults to
// 5, is read from each source, and a negative value stops the start
// naming the setting.
func TestLoginSlowdownAfter(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		file string
		want int
	}{
		{"default", nil, nil, "", 5},
		{"file", nil, nil, `{"login_slowdown_after": 8}`, 8},
		{"env over file", nil, map[string]string{"RENOVA_LOGIN_SLOWDOWN_AFTER": "3"}, `{"login_slowdown_after": 8}`, 3},
		{"flag over env", []string{"--login-slowdown-after", "2"}, map[string]string{"RENOVA_LOGIN_SLOWDOWN_AFTER": "3"}, "", 2},
	}
	for _, tc := range cases {
		c, err := load(t, tc.args, tc.env, tc.file)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.LoginSlowdownAfter != tc.want {
			t.Errorf("%s: LoginSlowdownAfter = %d, want %d", tc.name, c.LoginSlowdownAfter, tc.want)
		}
	}
	if _, err := load(t, []string{"--login-slowdown-after", "-1"}, nil, ""); err == nil || !strings.Contains(err.Error(), "login-slowdown-after") {
		t.Errorf("Load(--login-slowdown-after -1) = %v, want an error about login-slowdown-after", err)
	}
}

// TestPasswordMinLength: the minimum password length defaults to 10
// (issue 14) and a negative value stops the start naming the setting.
func TestPasswordMinLength(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{{nil, 10}, {[]string{"--password-min-length", "14"}, 14}} {
		c, err := load(t, tc.args, nil, "")
		if err != nil {
			t.Fatalf("Load(%v): %v", tc.args, err)
		}
		if c.PasswordMinLength != tc.want {
			t.Errorf("Load(%v): PasswordMinLength = %d, want %d", tc.args, c.PasswordMinLength, tc.want)
		}
	}
	if _, err := load(t, []string{"--password-min-length", "-1"}, nil, ""); err == nil || !strings.Contains(err.Error(), "password-min-length") {
		t.Errorf("Load(--password-min-length -1) = %v, want an error about password-min-length", err)
	}
}
