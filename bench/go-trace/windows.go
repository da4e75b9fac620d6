package main

import (
	"bufio"
	"fmt"
	"os"
)

// writeWindows writes, per connection with a read loop, a line of tab-separated fields: its
// class, when `go cc.readLoop()` and `go cs.doRequest` were made (the trace's time: Linux's
// CLOCK_MONOTONIC in ns, as `perf record -k mono` stamps its events; 0: never) and the threads
// that made them. scripts/go-window-cores lays the kernel's switches over these windows: what
// the request's thread did (on a core, waiting for one, asleep) while the read loop could close
// the connection before the stream's ID.
func writeWindows(path string, conns []*connection, classes []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "class\tloop_created_ns\twriter_created_ns\tloop_thread\twriter_thread")
	for i, c := range conns {
		if c.loopCreated == 0 {
			continue
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\n", classes[i], c.loopCreated, c.writerCreated,
			c.loopThread, c.writerThread)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
