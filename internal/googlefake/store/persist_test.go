package store

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func TestDebouncedSaveAndLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	var calls, value atomic.Int32
	f := New(path, 30*time.Millisecond, func() ([]byte, error) {
		calls.Add(1)
		return []byte{byte('0' + value.Load())}, nil
	}, nil)
	if b, err := f.Load(); b != nil || err != nil {
		t.Fatalf("missing file: %q %v", b, err)
	}
	for i := range 5 {
		value.Store(int32(i))
		f.MarkDirty()
	}
	deadline := time.Now().Add(3 * time.Second)
	for b, _ := f.Load(); string(b) != "4" && time.Now().Before(deadline); b, _ = f.Load() {
		time.Sleep(10 * time.Millisecond)
	}
	if b, _ := f.Load(); string(b) != "4" || calls.Load() != 1 {
		t.Fatalf("saved %q in %d writes", b, calls.Load())
	}
	value.Store(7)
	f.MarkDirty()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f.MarkDirty() // ignored after Close
	if b, _ := f.Load(); string(b) != "7" || calls.Load() != 2 {
		t.Fatalf("close saved %q in %d writes", b, calls.Load())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}
