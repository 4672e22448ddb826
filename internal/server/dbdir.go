package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkDBDir makes sure renova can create files in the directory of a
// SQLite database before SQLite tries: the database, its -wal and -shm
// files all live there, and SQLite's own answer for a directory it cannot
// write is "unable to open database file (14)", which names neither the
// path nor the cause. It creates and removes a probe file.
func checkDBDir(path string) error {
	if path == ":memory:" {
		return nil
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".renova-probe-*")
	if err != nil {
		return dbDirError(path, dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// dbDirError is the start-up error for a database directory renova cannot
// create files in: it names the database, the directory and the cause in
// plain words ("permission denied", "no such file or directory", "not a
// directory"), and what the operator should fix.
func dbDirError(path, dir string, err error) error {
	reason := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Err.Error()
	}
	if errors.Is(err, fs.ErrPermission) {
		reason = "permission denied"
	}
	return fmt.Errorf("database %s: cannot create files in %s: %s (renova needs to write the database and its -wal and -shm files there)", path, dir, reason)
}
