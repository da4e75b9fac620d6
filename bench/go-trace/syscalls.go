package main

import (
	"fmt"

	"golang.org/x/exp/trace"
)

// Go's sysmon takes the P of a goroutine that stays in a system call past one of its ticks while
// other work waits [retake, handoffp]; the goroutine then returns from the call without a P and
// waits for one (the trace shows it going from syscall to runnable). That moves the request's
// work to another thread, as the netpoller does, so it is read here by where in the request it
// happened: before the client's flight (the dial's connect, the handshake's writes), in the race
// window (in newClientConn, which writes the preface, or in writeHeaders), or elsewhere (the read
// loop's close, the program's own output, ...).
type syscallPlace int

const (
	beforeFlight syscallPlace = iota
	inRaceWindow
	elsewhere
	nPlaces
)

var placeNames = [nPlaces]string{"before the flight", "preface or HEADERS", "elsewhere"}

func placeOf(st trace.Stack) syscallPlace {
	switch {
	case startsIn(st, "newClientConn"), startsIn(st, "writeHeaders"):
		return inRaceWindow
	case startsIn(st, "andshake"), startsIn(st, "Transport).dial"):
		return beforeFlight
	}
	return elsewhere
}

// syscalls follows every goroutine's system calls and, per request (the program's h2race log
// marks), counts the calls that returned without their P, by place, and how long they took.
type syscalls struct {
	enteredAt map[trace.GoID]trace.Time
	enteredIn map[trace.GoID]syscallPlace
	lost      map[int]*[nPlaces]int // request -> calls that lost their P
	lostUs    []float64
	total     int
}

func newSyscalls() *syscalls {
	return &syscalls{enteredAt: map[trace.GoID]trace.Time{},
		enteredIn: map[trace.GoID]syscallPlace{}, lost: map[int]*[nPlaces]int{}}
}

// event folds one goroutine's state transition in, during request `request` (-1: before the
// first mark).
func (sc *syscalls) event(ev trace.Event, st trace.StateTransition, request int) {
	id := st.Resource.Goroutine()
	from, to := st.Goroutine()
	if to == trace.GoSyscall {
		sc.total++
		sc.enteredAt[id], sc.enteredIn[id] = ev.Time(), placeOf(st.Stack)
	}
	if from == trace.GoSyscall && to == trace.GoRunnable && request >= 0 {
		if sc.lost[request] == nil {
			sc.lost[request] = &[nPlaces]int{}
		}
		sc.lost[request][sc.enteredIn[id]]++
		sc.lostUs = append(sc.lostUs, us(ev.Time()-sc.enteredAt[id]))
	}
}

// printSyscalls: per class, the requests with a system call that came back without its P, by
// place (every request, redialled or not: classes is one per request).
func printSyscalls(classes []string, sc *syscalls) {
	fmt.Printf("system calls that came back without their P (Go's sysmon retook it): %d of %d "+
		"(%.1f a request), lasting p50 %.0f us p90 %.0f us\n", len(sc.lostUs), sc.total,
		float64(sc.total)/float64(max(len(classes), 1)), percentile(sc.lostUs, 0.5),
		percentile(sc.lostUs, 0.9))
	fmt.Println("the requests with one, by where (the flight: the client's last handshake records):")
	fmt.Printf("%-32s %8s", "class", "requests")
	for _, name := range placeNames {
		fmt.Printf("  %18s", name)
	}
	fmt.Println()
	indices := make([]int, len(classes))
	for i := range indices {
		indices[i] = i
	}
	names, groups := byClass(indices, classes)
	for _, name := range names {
		requests := groups[name]
		fmt.Printf("%-32s %8d", name, len(requests))
		for place := range nPlaces {
			n := 0
			for _, i := range requests {
				if l := sc.lost[i]; l != nil && l[place] > 0 {
					n++
				}
			}
			fmt.Printf("  %18s", fmt.Sprintf("%d (%.2f %%)", n, 100*float64(n)/float64(len(requests))))
		}
		fmt.Println()
	}
}
