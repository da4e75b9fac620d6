package main

import "fmt"

// Per outcome class, the p50 and p90 in us of the spans the go models log as `steps_us`:
// flight_to_preface (the handshake's last system call returned; the preface's write entered),
// preface_write (that system call), preface_to_headers (the preface's write entered; the HEADERS
// write entered), read_loop_to_request (`go cc.readLoop()`; `go cs.doRequest`, whose stream then
// takes its ID), each over the connections that reached both ends; then what moves the first:
// how long the dialing goroutine waited for a P after the flight (dial_runnable), how often the
// preface was written on another P than the flight (the dialing goroutines moved to another
// thread's P: the model's writer never moves), and how often the read loop ran before HEADERS
// were written.
func printSteps(names []string, groups map[string][]*connection) {
	// A Go 1.19 trace (format v1) gives a system call a duration only when it blocked (the others
	// end within nanoseconds of their start): then the few that blocked are not the preface's
	// write time, and there is no preface_write.
	var prefaces, timed int
	for _, conns := range groups {
		for _, c := range conns {
			if c.prefaceStart != 0 && c.prefaceEnd != 0 {
				prefaces++
				if c.prefaceEnd-c.prefaceStart >= 100 {
					timed++
				}
			}
		}
	}
	writeTimes := timed >= prefaces/2
	fmt.Printf("%-31s %6s  %-22s %-22s %-22s %-22s %-22s %-21s %s\n", "class", "count",
		"flight_to_preface", "preface_write", "preface_to_headers", "read_loop_to_request",
		"dial_runnable", "preface on another P", "read loop before HEADERS")
	for _, name := range names {
		var toPreface, write, toHeaders, toRequest, runnable []float64
		var wrote, loopFirst, moved int
		for _, c := range groups[name] {
			if c.flight != 0 && c.prefaceStart != 0 {
				toPreface = append(toPreface, us(c.prefaceStart-c.flight))
				runnable = append(runnable, us(c.dialRunnable))
				if c.prefaceP != c.flightP {
					moved++
				}
			}
			if c.loopCreated != 0 && c.writerCreated != 0 {
				toRequest = append(toRequest, us(c.writerCreated-c.loopCreated))
			}
			if writeTimes && c.prefaceStart != 0 && c.prefaceEnd != 0 {
				write = append(write, us(c.prefaceEnd-c.prefaceStart))
			}
			if c.prefaceStart != 0 && c.headersStart != 0 {
				toHeaders = append(toHeaders, us(c.headersStart-c.prefaceStart))
				wrote++
				if c.loopRan && c.loopFirstRun < c.headersStart {
					loopFirst++
				}
			}
		}
		cell := func(xs []float64) string {
			if len(xs) == 0 {
				return "-"
			}
			return fmt.Sprintf("%5.1f / %5.1f (%d)", percentile(xs, 0.5), percentile(xs, 0.9), len(xs))
		}
		other := "-"
		if len(toPreface) > 0 {
			other = fmt.Sprintf("%.1f%% of %d", 100*float64(moved)/float64(len(toPreface)), len(toPreface))
		}
		before := "-"
		if wrote > 0 {
			before = fmt.Sprintf("%.1f%% of %d", 100*float64(loopFirst)/float64(wrote), wrote)
		}
		fmt.Printf("%-31s %6d  %-22s %-22s %-22s %-22s %-22s %-21s %s\n", name, len(groups[name]),
			cell(toPreface), cell(write), cell(toHeaders), cell(toRequest), cell(runnable), other,
			before)
	}
}
