package attendeefake

import (
	"encoding/json"
	"os"
	"time"

	"github.com/besunny/workflows/internal/googlefake/store"
)

// The state file keeps a sandbox's bots and scripts across restarts of
// make run, so a workflow following a bot finds it again.

type snapshot struct {
	Bots     []*bot             `json:"bots"`
	Meetings map[string]Meeting `json:"meetings"`
}

type stateFile struct {
	file *store.File
}

func newStateFile(f *Fake, path string) *stateFile {
	sf := &stateFile{file: store.New(path, 200*time.Millisecond, f.snapshot, func(err error) {
		f.log.Error("attendeefake: saving state", "file", path, "err", err)
	})}
	raw, err := sf.file.Load()
	if err != nil {
		f.log.Error("attendeefake: reading state", "file", path, "err", err)
		return sf
	}
	if raw == nil {
		return sf
	}
	var s snapshot
	if err := json.Unmarshal(raw, &s); err != nil {
		f.log.Error("attendeefake: state file unreadable, starting empty", "file", path, "err", err)
		_ = os.Rename(path, path+".corrupt")
		return sf
	}
	for _, b := range s.Bots {
		f.bots[b.ID] = b
		f.order = append(f.order, b.ID)
	}
	for k, m := range s.Meetings {
		f.meetings[k] = m
	}
	return sf
}

func (f *Fake) snapshot() ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := snapshot{Meetings: f.meetings}
	for _, id := range f.order {
		if b := f.bots[id]; b != nil {
			s.Bots = append(s.Bots, b)
		}
	}
	return json.Marshal(s)
}

func (sf *stateFile) markDirty() { sf.file.MarkDirty() }

func (sf *stateFile) close() { _ = sf.file.Close() }
