// go-trace: where Go's time went between its steps, per request outcome, from the execution
// trace of go-net-http -trace (clients/go) and the classes of the result lines it printed, as
// `h2race classify` gives them (CLASS<tab>LINE, the program's rules applied once, in h2race).
// Run through scripts/go-read-loop.
//
//	go-trace TRACE CLASSES [WINDOWS]
//
// With WINDOWS, it also writes each connection's read_loop_to_request window there (windows.go).
//
// Five tables per trace, four by outcome class: where and when the read loop (`go cc.readLoop()`)
// first ran (readloop.go), the spans between the connection's writes that the go models log as
// `steps_us` (steps.go), so that `scripts/log-shares --by steps` sets them side by side, and what
// held the request up between the read loop's start and its stream (window.go), and where Go's
// other processor was when the read loop became runnable (procs.go); then, over every request,
// the system calls that lost their P to sysmon, by place (syscalls.go).
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"

	"golang.org/x/exp/trace"
)

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "go-trace: "+format+"\n", a...)
	os.Exit(2)
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	return xs[int(p*float64(len(xs)-1))]
}

func us(d trace.Time) float64 { return float64(d) / 1000 }

// classesOf reads CLASSES: one class per request, in order.
func classesOf(path string, want int) []string {
	text, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	var lines []string
	if trimmed := strings.TrimRight(string(text), "\n"); trimmed != "" {
		lines = strings.Split(trimmed, "\n")
	}
	if len(lines) != want {
		fail("%d result lines but %d requests marked in the trace", len(lines), want)
	}
	classes := make([]string, len(lines))
	for i, line := range lines {
		c, _, found := strings.Cut(line, "\t")
		// A class is a word such as write:EPIPE; a line of the program's own output starts with
		// its local address or "-" (not run through h2race classify).
		if !found || c == "" || c == "-" || (c[0] >= '0' && c[0] <= '9') || c[0] == '[' {
			fail("%s:%d: not CLASS<tab>LINE (h2race classify's output): %q", path, i+1, line)
		}
		classes[i] = c
	}
	return classes
}

// byClass groups items (connections, or request indices) by their class, classes sorted.
func byClass[T any](items []T, classes []string) ([]string, map[string][]T) {
	groups := map[string][]T{}
	for i, item := range items {
		groups[classes[i]] = append(groups[classes[i]], item)
	}
	names := make([]string, 0, len(groups))
	for name := range groups {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, groups
}

func main() {
	if len(os.Args) != 3 && len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: go-trace TRACE CLASSES [WINDOWS]")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	r, err := trace.NewReader(bufio.NewReader(f))
	if err != nil {
		fail("%s: %v", os.Args[1], err)
	}
	ps, sc := newProcs(), newSyscalls()
	conns, requests, err := readConnections(r, ps, sc)
	if err != nil {
		fail("%s: %v", os.Args[1], err)
	}
	classes := classesOf(os.Args[2], len(requests))
	var answered []*connection
	var answeredClasses []string
	for i, c := range requests {
		if c != nil {
			answered, answeredClasses = append(answered, c), append(answeredClasses, classes[i])
		}
	}
	if len(conns) != len(answered) || len(answered) != len(requests) {
		fmt.Printf("%d requests, %d connections: %d dropped before their request was sent "+
			"(redials), %d requests without a handshake done; the tables are the requests' last "+
			"connections\n\n",
			len(requests), len(conns), len(conns)-len(answered), len(requests)-len(answered))
	}
	if len(os.Args) == 4 {
		if err := writeWindows(os.Args[3], answered, answeredClasses); err != nil {
			fail("%v", err)
		}
	}
	names, groups := byClass(answered, answeredClasses)
	printReadLoops(names, groups)
	fmt.Println()
	printSteps(names, groups)
	fmt.Println()
	printWindow(names, groups)
	fmt.Println()
	printOtherProc(names, groups, ps)
	fmt.Println()
	printSyscalls(classes, sc)
}
