//go:build unix

package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFilePermissions pins the file modes as they are today: Open creates
// the database with SQLite's default 0644 less the umask, and the WAL and
// shared-memory files take the database file's mode, so an operator who
// makes the file 0600 keeps every copy of the tokens' hashes private.
func TestFilePermissions(t *testing.T) {
	umask := syscall.Umask(0o022)
	syscall.Umask(umask)
	cases := []struct {
		name      string
		precreate os.FileMode // 0: Open creates the file
		want      os.FileMode
	}{
		{"created by Open", 0, 0o644 &^ os.FileMode(umask)},
		{"existing 0600", 0o600, 0o600},
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
