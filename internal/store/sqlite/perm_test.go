//go:build unix

package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFilePermissions checks that Open creates the database 0600 whatever
// the umask (issue 14: renova.db, -wal and -shm were 0644 under umask 022),
// and that the WAL and shared-memory files take the database file's mode,
// so every copy of the tokens' hashes stays private. A file that exists
// keeps the mode its operator gave it.
func TestFilePermissions(t *testing.T) {
	umask := syscall.Umask(0o022)
	defer syscall.Umask(umask)
	cases := []struct {
		name      string
		precreate os.FileMode // 0: Open creates the file
		want      os.FileMode
	}{
		{"created by Open", 0, 0o600},
		{"existing 0600", 0o600, 0o600},
		{"existing 0640", 0o640, 0o640},
	}
	for _, tc := range cases {
		path := filepath.Join(t.TempDir(), "renova.db")
		if tc.precreate != 0 {
			must(t, os.WriteFile(path, nil, tc.precreate))
			must(t, os.Chmod(path, tc.precreate))
		}
		db, err := Open(context.Background(), path)
		must(t, err)
		seed(t, db) // writes, so that the WAL and -shm files exist
		for _, f := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(f)
			if err != nil {
				t.Errorf("%s: stat %s: %v", tc.name, filepath.Base(f), err)
				continue
			}
			if got := fi.Mode().Perm(); got != tc.want {
				t.Errorf("%s: %s mode = %v, want %v", tc.name, filepath.Base(f), got, tc.want)
			}
		}
		must(t, db.Close())
	}
}
