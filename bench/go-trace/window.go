package main

import (
	"fmt"

	"golang.org/x/exp/trace"
)

// Per outcome class, what holds the request up between `go cc.readLoop()` and `go cs.doRequest`
// (read_loop_to_request): the read loop closes the connection before the request's stream takes
// its ID (h2:no_connection, or a redial in Go <= 1.23) only if it reads the alert within that
// window. Over the window, the request's goroutine (the one that makes doRequest) was runnable
// (ready, waiting for a P), waiting (blocked, e.g. on the dial's result) or running (which, in
// the trace, includes the time its thread was off its core): p50 / p90 in us of each; and of the
// windows longer than 50 us, the share in which each state took most of the time.
func printWindow(names []string, groups map[string][]*connection) {
	states := [3]trace.GoState{trace.GoRunnable, trace.GoWaiting, trace.GoRunning}
	fmt.Printf("%-31s %6s  %-14s %-14s %-14s  %s\n", "class", "count", "runnable", "waiting",
		"running", "windows over 50 us: mostly runnable / waiting / running")
	for _, name := range names {
		var times [3][]float64
		var long int
		var mostly [3]int
		for _, c := range groups[name] {
			if c.requestStates == nil {
				continue
			}
			most := 0
			for i, st := range states {
				times[i] = append(times[i], us(c.requestStates[st]))
				if c.requestStates[st] > c.requestStates[states[most]] {
					most = i
				}
			}
			if c.writerCreated-c.loopCreated > 50_000 {
				long++
				mostly[most]++
			}
		}
		if len(times[0]) == 0 {
			continue
		}
		cell := func(xs []float64) string {
			return fmt.Sprintf("%5.1f / %5.1f", percentile(xs, 0.5), percentile(xs, 0.9))
		}
		share := "-"
		if long > 0 {
			pct := func(n int) float64 { return 100 * float64(n) / float64(long) }
			share = fmt.Sprintf("%d: %.0f / %.0f / %.0f %%", long, pct(mostly[0]), pct(mostly[1]),
				pct(mostly[2]))
		}
		fmt.Printf("%-31s %6d  %-14s %-14s %-14s  %s\n", name, len(times[0]), cell(times[0]),
			cell(times[1]), cell(times[2]), share)
	}
}
