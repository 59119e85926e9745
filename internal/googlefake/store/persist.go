// Package store saves a snapshot of in-memory state to a file, debounced
// and atomically, so a process can restart where it left off without
// paying a write per change and without ever leaving a half-written file.
package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// File is a debounced, atomically replaced snapshot file. It is safe for
// concurrent use.
type File struct {
	path     string
	delay    time.Duration
	snapshot func() ([]byte, error)
	onError  func(error)

	mu     sync.Mutex
	timer  *time.Timer
	dirty  bool
	closed bool

	// writeMu serializes writes so a timer-triggered save and Close never
	// race on the temporary file.
	writeMu sync.Mutex
}

// New returns a File at path. snapshot produces the bytes to save; it is
// called at most once per delay after changes. onError (may be nil)
// receives failures of background saves.
func New(path string, delay time.Duration, snapshot func() ([]byte, error), onError func(error)) *File {
	if onError == nil {
		onError = func(error) {}
	}
	return &File{path: path, delay: delay, snapshot: snapshot, onError: onError}
}

// Load returns the saved bytes, or nil and no error when nothing was saved.
func (f *File) Load() ([]byte, error) {
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// MarkDirty schedules a save after the debounce delay. Calls within the
// delay share one save.
func (f *File) MarkDirty() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed || f.dirty {
		return
	}
	f.dirty = true
	f.timer = time.AfterFunc(f.delay, func() {
		if err := f.Flush(); err != nil {
			f.onError(err)
		}
	})
}

// Flush saves now if there are unsaved changes.
func (f *File) Flush() error {
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	f.mu.Lock()
	dirty := f.dirty
	f.dirty = false
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
	f.mu.Unlock()
	if !dirty {
		return nil
	}
	b, err := f.snapshot()
	if err != nil {
		return err
	}
	return WriteAtomic(f.path, b)
}

// Close saves pending changes and stops further saves.
func (f *File) Close() error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	return f.Flush()
}

// WriteAtomic replaces path with data through a synced temporary file and a
// rename, so readers see the old or the new content, never a mix.
func WriteAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
