package temporalclient

// DevServerFileArgs are the flags that keep a dev server's state (temporal
// server start-dev) in the SQLite file at path, as `make run` starts it: the
// WAL journal with synchronous=NORMAL survives a crash of the server process
// (a commit is in the WAL before the call returns; only a power loss may
// lose the last commits) at a fraction of the default journal's fsyncs.
// cmd/bench's BENCH_SERVER=file drains on the same flags.
func DevServerFileArgs(path string) []string {
	return []string{
		"--db-filename", path,
		"--sqlite-pragma", "journal_mode=wal",
		"--sqlite-pragma", "synchronous=normal",
	}
}
