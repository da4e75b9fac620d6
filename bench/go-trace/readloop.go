package main

import "fmt"

// Per outcome class: how often the read loop first ran on another P than the one that made it
// (Go's second processor stole it), how often before the request's `go cs.doRequest` (the
// request had no stream yet), and the delay from its creation to its first run.
func printReadLoops(names []string, groups map[string][]*connection) {
	fmt.Printf("%-31s %6s %8s %10s  %s\n", "class", "count", "other P", "before doRequest",
		"creation to first run, us: p10 p50 p90 (on the other P: p50 p90; on its own: p50 p90)")
	for _, name := range names {
		var otherP, before int
		var all, other, same []float64
		for _, c := range groups[name] {
			if !c.loopRan {
				continue
			}
			d := us(c.loopFirstRun - c.loopCreated)
			all = append(all, d)
			if c.loopRunP != c.loopCreateP {
				otherP++
				other = append(other, d)
			} else {
				same = append(same, d)
			}
			if c.writerCreated == 0 || c.loopFirstRun < c.writerCreated {
				before++
			}
		}
		n := float64(len(groups[name]))
		fmt.Printf("%-31s %6d %7.1f%% %15.1f%%  %4.0f %4.0f %4.0f  (%4.0f %4.0f; %4.0f %4.0f)\n", name,
			len(groups[name]), 100*float64(otherP)/n, 100*float64(before)/n,
			percentile(all, 0.1), percentile(all, 0.5), percentile(all, 0.9),
			percentile(other, 0.5), percentile(other, 0.9), percentile(same, 0.5), percentile(same, 0.9))
	}
}
