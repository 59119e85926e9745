package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Process accounting from /proc (Linux only): which process used the CPU
// during the drain, and the worker's peak RSS.

// clockTicks is USER_HZ, the unit of /proc CPU times: 100 on every Linux
// the Go runtime supports (reading it needs sysconf, that is cgo).
const clockTicks = 100

// procStat reads a process's command name, parent and CPU time.
func procStat(pid int) (comm string, ppid int, cpu time.Duration, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, 0, err
	}
	// The command name is in parentheses and may contain spaces.
	open, closing := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || closing < open {
		return "", 0, 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	comm = string(b[open+1 : closing])
	f := strings.Fields(string(b[closing+1:]))
	// After the name: state ppid … utime(12th) stime(13th), 0-based from state.
	if len(f) < 13 {
		return "", 0, 0, fmt.Errorf("/proc/%d/stat: too short", pid)
	}
	ppid, _ = strconv.Atoi(f[1])
	utime, _ := strconv.ParseUint(f[11], 10, 64)
	stime, _ := strconv.ParseUint(f[12], 10, 64)
	return comm, ppid, time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// peakRSS is the process's high-water resident set (VmHWM) in bytes.
func peakRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no VmHWM", pid)
}

// processes lists every pid whose command name is comm (and, when parent is
// not 0, whose parent is parent).
func processes(comm string, parent int) []int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []int
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		c, ppid, _, err := procStat(pid)
		if err == nil && c == comm && (parent == 0 || ppid == parent) {
			out = append(out, pid)
		}
	}
	return out
}

// cpuGroups lists, at each sample, the processes whose CPU time the bench
// reports, by name. Listing them again at each sample counts processes that
// started in between (database connections opened by the worker) from zero.
type cpuGroups func() map[string][]int

// cpuSample is CPU time per group and process, plus the machine's busy and
// total time (all cores) from /proc/stat.
type cpuSample struct {
	at          time.Time
	groups      map[string]map[int]time.Duration
	busy, total time.Duration
}

func sampleCPU(list cpuGroups) cpuSample {
	s := cpuSample{at: time.Now(), groups: map[string]map[int]time.Duration{}}
	for name, pids := range list() {
		s.groups[name] = map[int]time.Duration{}
		for _, pid := range pids {
			if _, _, cpu, err := procStat(pid); err == nil {
				s.groups[name][pid] = cpu
			}
		}
	}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		// cpu  user nice system idle iowait irq softirq steal guest guest_nice:
		// the first eight are all the time there is (guest time is already
		// in user); idle and iowait are the part not busy.
		line, _, _ := bytes.Cut(b, []byte("\n"))
		f := strings.Fields(string(line))
		for i := 1; i <= 8 && i < len(f); i++ {
			n, _ := strconv.ParseUint(f[i], 10, 64)
			d := time.Duration(n) * time.Second / clockTicks
			s.total += d
			if i != 4 && i != 5 {
				s.busy += d
			}
		}
	}
	return s
}

// cpuUse is what each group used between two samples, in cores.
type cpuUse struct {
	wall    time.Duration
	cores   map[string]float64
	machine float64 // busy cores of the whole machine
	ncpu    int
}

func (a cpuSample) until(b cpuSample, ncpu int) cpuUse {
	u := cpuUse{wall: b.at.Sub(a.at), cores: map[string]float64{}, ncpu: ncpu}
	secs := u.wall.Seconds()
	for name, pids := range b.groups {
		var used time.Duration
		for pid, d := range pids {
			used += d - a.groups[name][pid] // 0 for a process started since a
		}
		u.cores[name] = used.Seconds() / secs
	}
	if t := (b.total - a.total).Seconds(); t > 0 {
		u.machine = (b.busy - a.busy).Seconds() / t * float64(ncpu)
	}
	return u
}
