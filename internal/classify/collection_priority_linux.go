package classify

import "syscall"

// buildNice is the niceness of the thread that builds a collection model:
// on a busy worker the build takes the CPU classification does not need.
const buildNice = 10

// lowerThreadPriority lowers the priority of the calling OS thread (on
// Linux a thread has a nice value of its own). The caller has locked its
// goroutine to the thread and never unlocks it, so the thread ends with
// the goroutine and no other goroutine runs on it lowered.
func lowerThreadPriority() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), buildNice) // best effort: a build at normal priority is still correct
}
