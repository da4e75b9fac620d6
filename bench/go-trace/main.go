// go-trace: where and when Go's HTTP/2 read loop ran, per request outcome, from the execution
// trace of go-net-http -trace (clients/go) and the classes of the result lines it printed, as
// `h2race classify` gives them (CLASS<tab>LINE, the program's rules applied once, in h2race).
// Run through scripts/go-read-loop.
//
//	go-trace TRACE CLASSES
//
// Per connection (one per request: Go >= 1.24 never dials twice), the read loop is the goroutine
// started by `go cc.readLoop()`. For each outcome class it prints how often that goroutine first
// ran on another P than the one that created it (Go's second processor stole it), how often it
// ran before the request's `go cs.doRequest` (the request had no stream yet), and the delay from
// its creation to its first run.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/exp/trace"
)

type readLoop struct {
	created, firstRun trace.Time
	createP, runP     trace.ProcID
	ran               bool
}

func startsIn(st trace.Stack, name string) bool {
	for f := range st.Frames() {
		if strings.Contains(f.Func, name) {
			return true
		}
	}
	return false
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	return xs[int(p*float64(len(xs)-1))]
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go-trace TRACE CLASSES")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-trace:", err)
		os.Exit(2)
	}
	r, err := trace.NewReader(bufio.NewReader(f))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-trace:", os.Args[1], err)
		os.Exit(2)
	}
	loops := map[trace.GoID]*readLoop{}
	var order []trace.GoID
	var doRequests []trace.Time
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "go-trace:", os.Args[1], err)
			os.Exit(2)
		}
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		id := st.Resource.Goroutine()
		from, to := st.Goroutine()
		if from == trace.GoNotExist && to == trace.GoRunnable {
			// st.Stack is where the new goroutine starts.
			if startsIn(st.Stack, "readLoop") {
				loops[id] = &readLoop{created: ev.Time(), createP: ev.Proc()}
				order = append(order, id)
			} else if startsIn(st.Stack, "doRequest") {
				doRequests = append(doRequests, ev.Time())
			}
		}
		if g, ok := loops[id]; ok && to == trace.GoRunning && !g.ran {
			g.ran, g.firstRun, g.runP = true, ev.Time(), ev.Proc()
		}
	}
	text, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-trace:", err)
		os.Exit(2)
	}
	var lines []string
	if trimmed := strings.TrimRight(string(text), "\n"); trimmed != "" {
		lines = strings.Split(trimmed, "\n")
	}
	if len(lines) != len(order) {
		fmt.Fprintf(os.Stderr, "go-trace: %d result lines but %d read loops: not one connection per request\n",
			len(lines), len(order))
		os.Exit(2)
	}
	sort.Slice(doRequests, func(i, j int) bool { return doRequests[i] < doRequests[j] })
	type stats struct {
		n, otherP, beforeDoRequest int
		all, other, same           []float64
	}
	by := map[string]*stats{}
	var classes []string
	for i, id := range order {
		c, _, found := strings.Cut(lines[i], "\t")
		// A class is a word such as write:EPIPE; a line of the program's own output starts with
		// its local address or "-" (not run through h2race classify).
		if !found || c == "" || c == "-" || (c[0] >= '0' && c[0] <= '9') || c[0] == '[' {
			fmt.Fprintf(os.Stderr, "go-trace: %s:%d: not CLASS<tab>LINE (h2race classify's output): %q\n",
				os.Args[2], i+1, lines[i])
			os.Exit(2)
		}
		s := by[c]
		if s == nil {
			s = &stats{}
			by[c] = s
			classes = append(classes, c)
		}
		s.n++
		g := loops[id]
		if !g.ran {
			continue
		}
		us := float64(g.firstRun-g.created) / 1000
		s.all = append(s.all, us)
		if g.runP != g.createP {
			s.otherP++
			s.other = append(s.other, us)
		} else {
			s.same = append(s.same, us)
		}
		k := sort.Search(len(doRequests), func(j int) bool { return doRequests[j] > g.created })
		if k == len(doRequests) || g.firstRun < doRequests[k] {
			s.beforeDoRequest++
		}
	}
	sort.Strings(classes)
	fmt.Printf("%-31s %6s %8s %10s  %s\n", "class", "count", "other P", "before doRequest",
		"creation to first run, us: p10 p50 p90 (on the other P: p50 p90; on its own: p50 p90)")
	for _, c := range classes {
		s := by[c]
		fmt.Printf("%-31s %6d %7.1f%% %15.1f%%  %4.0f %4.0f %4.0f  (%4.0f %4.0f; %4.0f %4.0f)\n", c, s.n,
			100*float64(s.otherP)/float64(s.n), 100*float64(s.beforeDoRequest)/float64(s.n),
			percentile(s.all, 0.1), percentile(s.all, 0.5), percentile(s.all, 0.9),
			percentile(s.other, 0.5), percentile(s.other, 0.9), percentile(s.same, 0.5), percentile(s.same, 0.9))
	}
}
