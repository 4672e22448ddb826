package server

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestDBDirPermissionMessage: a directory renova may not write is named
// with "permission denied", not SQLite's "unable to open database file
// (14)". Tests run as root, who may write anywhere, so the message is
// checked on the error os.CreateTemp returns for EACCES; a non-root run
// also checks a real read-only directory.
func TestDBDirPermissionMessage(t *testing.T) {
	err := dbDirError("/var/lib/renova/renova.db", "/var/lib/renova",
		&fs.PathError{Op: "open", Path: "/var/lib/renova/.renova-probe-1", Err: syscall.EACCES})
	for _, want := range []string{"/var/lib/renova/renova.db", "cannot create files in /var/lib/renova: permission denied"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if os.Geteuid() == 0 {
		t.Log("running as root: a read-only directory does not stop root, checked the message only")
		return
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	db := filepath.Join(dir, "r.db")
	if err := checkDBDir(db); err == nil || !strings.Contains(err.Error(), db) || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("checkDBDir in a read-only directory = %v", err)
	}
}

// TestDBDirNotADirectory: a database path whose parent is a regular file
// fails with the path and "not a directory", and creates nothing.
func TestDBDirNotADirectory(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(parent, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(parent, "renova.db")
	err := checkDBDir(db)
	if err == nil || !strings.Contains(err.Error(), "database "+db+": cannot create files in "+parent+": not a directory") {
		t.Errorf("checkDBDir(%s) = %v", db, err)
	}
	if err := checkDBDir(filepath.Join(t.TempDir(), "ok.db")); err != nil {
		t.Errorf("checkDBDir in a writable directory = %v", err)
	}
}
