package main

import (
	"fmt"

	"golang.org/x/exp/trace"
)

// Go's other processor (GOMAXPROCS is 2 in the traced program) when `go cc.readLoop()` made the
// read loop runnable: idle (its thread asleep, or woken by wakep() and not yet on a core: the
// trace starts a P when the woken thread takes it), running a goroutine, or looking for one (a
// thread holds it and runs none: Go's spinning thread, or the scheduler between two goroutines).
// The go model's second processor is in one of the same three states at the same step
// (docs/go-model.md, "Go's thief backs off").
type otherProc int

const (
	otherIdle otherProc = iota
	otherRunning
	otherLooking
)

// One P as the trace shows it: held by a thread since `since` (or idle since then), running
// goroutine g (NoGoroutine: none; a goroutine in a system call keeps its P), and whether it ran
// any goroutine since it was last started.
type procTrack struct {
	held   bool
	since  trace.Time
	g      trace.GoID
	freeAt trace.Time // when it last had no goroutine while held
	ranAny bool
}

// procs follows every P through the trace: the state of the ones that are not `self` at a
// moment, and the looks that found nothing (a P started and stopped without running a goroutine:
// how long Go's spinning thread looks before it sleeps again).
type procs struct {
	byID      map[trace.ProcID]*procTrack
	running   map[trace.GoID]trace.ProcID // the P each running goroutine is on
	emptyLook []float64                   // us
}

func newProcs() *procs {
	return &procs{byID: map[trace.ProcID]*procTrack{}, running: map[trace.GoID]trace.ProcID{}}
}

func (ps *procs) get(id trace.ProcID) *procTrack {
	p := ps.byID[id]
	if p == nil {
		p = &procTrack{g: trace.NoGoroutine}
		ps.byID[id] = p
	}
	return p
}

// event folds one state transition in.
func (ps *procs) event(ev trace.Event, st trace.StateTransition) {
	now := ev.Time()
	switch st.Resource.Kind {
	case trace.ResourceProc:
		p := ps.get(st.Resource.Proc())
		from, to := st.Proc()
		switch {
		case to == trace.ProcRunning && from != trace.ProcRunning:
			*p = procTrack{held: true, since: now, g: trace.NoGoroutine, freeAt: now}
		case to == trace.ProcIdle && from == trace.ProcRunning:
			if !p.ranAny {
				ps.emptyLook = append(ps.emptyLook, us(now-p.since))
			}
			p.held, p.since, p.g = false, now, trace.NoGoroutine
		}
	case trace.ResourceGoroutine:
		id := st.Resource.Goroutine()
		from, to := st.Goroutine()
		if to == trace.GoRunning && from != trace.GoSyscall {
			if ev.Proc() != trace.NoProc {
				p := ps.get(ev.Proc())
				p.g, p.ranAny, p.held = id, true, true
				ps.running[id] = ev.Proc()
			}
		} else if (from == trace.GoRunning || from == trace.GoSyscall) && to != trace.GoRunning &&
			to != trace.GoSyscall {
			if pid, ok := ps.running[id]; ok {
				if p := ps.get(pid); p.g == id {
					p.g, p.freeAt = trace.NoGoroutine, now
				}
				delete(ps.running, id)
			}
		}
	}
}

// other says what the P that is not `self` is doing at `now`, and since when it looks (looking
// only). With more than two Ps: running if any other runs a goroutine, else looking if any looks.
func (ps *procs) other(self trace.ProcID, now trace.Time) (otherProc, trace.Time) {
	state, since := otherIdle, trace.Time(0)
	for id, p := range ps.byID {
		if id == self || !p.held {
			continue
		}
		if p.g != trace.NoGoroutine {
			return otherRunning, 0
		}
		state, since = otherLooking, now-p.freeAt
	}
	return state, since
}

// printOtherProc: per outcome class, the other P's state when the read loop became runnable, how
// long it had been looking when it was, and, when it was idle, how long until a thread took it
// (the next P start: Go's thief arriving, a wake-up after wakep()); then how long Go's looks that
// found nothing lasted.
func printOtherProc(names []string, groups map[string][]*connection, ps *procs) {
	fmt.Printf("%-31s %6s  %-28s %-18s %-22s %s\n", "class", "count",
		"other P: idle / running / looking", "looking for, us", "from, us after flight",
		"idle: taken after, us p50 p90")
	for _, name := range names {
		var n [3]int
		var since, fromFlight, arrival []float64
		for _, c := range groups[name] {
			if c.loopCreated == 0 {
				continue
			}
			n[c.otherAtLoop]++
			switch c.otherAtLoop {
			case otherLooking:
				since = append(since, us(c.otherLookingFor))
				fromFlight = append(fromFlight, us(c.loopCreated-c.otherLookingFor)-us(c.flight))
			case otherIdle:
				if c.otherTakenAt > c.loopCreated {
					arrival = append(arrival, us(c.otherTakenAt-c.loopCreated))
				}
			}
		}
		total := n[0] + n[1] + n[2]
		if total == 0 {
			continue
		}
		pct := func(k int) float64 { return 100 * float64(n[k]) / float64(total) }
		fmt.Printf("%-31s %6d  %5.1f / %5.1f / %5.1f %%       %5.1f %5.1f        %6.1f %6.1f %6.1f     %5.1f %5.1f\n",
			name, total, pct(0), pct(1), pct(2), percentile(since, 0.5), percentile(since, 0.9),
			percentile(fromFlight, 0.1), percentile(fromFlight, 0.5), percentile(fromFlight, 0.9),
			percentile(arrival, 0.5), percentile(arrival, 0.9))
	}
	fmt.Printf("looks that found nothing (a P started and stopped without a goroutine): %d, "+
		"p10 %.1f p50 %.1f p90 %.1f us\n", len(ps.emptyLook), percentile(ps.emptyLook, 0.1),
		percentile(ps.emptyLook, 0.5), percentile(ps.emptyLook, 0.9))
}
