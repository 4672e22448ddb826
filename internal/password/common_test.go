package password

import "testing"

// TestCommon: the embedded list holds 10,000 passwords and is matched in
// any case; an uncommon password is not on it.
func TestCommon(t *testing.T) {
	if n := len(common()); n != 10_000 {
		t.Errorf("common list holds %d passwords, want 10000", n)
	}
	cases := []struct {
		pw   string
		want bool
	}{
		{"123456", true},
		{"1234567890", true},
		{"QwertyUIOP", true},
		{"password123", true},
		{"correct horse battery", false},
		{"", false},
		{"# the 10,000 most common passwords, most common first: the first 10,000", false},
	}
	for _, tc := range cases {
		if got := Common(tc.pw); got != tc.want {
			t.Errorf("Common(%q) = %v, want %v", tc.pw, got, tc.want)
		}
	}
}
