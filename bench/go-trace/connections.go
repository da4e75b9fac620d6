package main

import (
	"fmt"
	"io"
	"maps"
	"strings"

	"golang.org/x/exp/trace"
)

// One connection of the traced program (it makes one request at a time; Go >= 1.24 dials once
// per request, Go <= 1.23 again when the connection died before the request was sent), with the
// times its goroutines reached each step.
type connection struct {
	// The TLS handshake's last system call (the client's flight) returned, on flightP.
	flight  trace.Time
	flightP trace.ProcID
	// The preface's write system call: entered (on prefaceP) and returned. On another P than the
	// flight: the goroutines between them moved, taken by another P's thread (a steal) or handed
	// to one while the flight's thread was in a system call.
	prefaceStart, prefaceEnd trace.Time
	prefaceP                 trace.ProcID
	// The goroutine that dials (`go call.run`) was made by one that had spent dialRunnable
	// waiting for a P since the flight: the hand-off from the handshake to the preface.
	dialRunnable trace.Time
	// `go cc.readLoop()` (none when the preface write failed): made on createP; first ran on runP.
	loopCreated, loopFirstRun trace.Time
	loopCreateP, loopRunP     trace.ProcID
	loopRan                   bool
	// The OS threads (Go's Ms; a trace's thread ID is the thread's Linux ID) that made the read
	// loop and `go cs.doRequest`: the request's thread at the window's two ends (windows.go).
	loopThread, writerThread trace.ThreadID
	// `go cs.doRequest`: made; entered the system call that writes HEADERS (none: it never did).
	writerCreated, headersStart trace.Time
	// From `go cc.readLoop()` to `go cs.doRequest` (read_loop_to_request, the window in which the
	// read loop can close the connection before the request's stream takes its ID): the time the
	// goroutine that made doRequest (the request's) spent in each state.
	requestStates map[trace.GoState]trace.Time
	// The other P at `go cc.readLoop()` (procs.go): its state, how long it had been looking for a
	// goroutine (looking), and when a thread next took it (idle; none: never before the trace's
	// end).
	otherAtLoop     otherProc
	otherLookingFor trace.Time
	otherTakenAt    trace.Time
}

// A goroutine's time in each state since `epoch`.
type statesSince struct {
	epoch, since trace.Time
	state        trace.GoState
	total        map[trace.GoState]trace.Time
}

// The goroutine enters `next` at `now`; returns its times in each state since `epoch`.
func (s *statesSince) at(now, epoch trace.Time, next trace.GoState) map[trace.GoState]trace.Time {
	if s.total == nil || s.epoch != epoch {
		// A state entered before the epoch counts from it on.
		s.epoch, s.total, s.since = epoch, map[trace.GoState]trace.Time{}, max(s.since, epoch)
	}
	if from := max(s.since, epoch); now > from {
		s.total[s.state] += now - from
	}
	s.since, s.state = now, next
	return s.total
}

func startsIn(st trace.Stack, name string) bool {
	for f := range st.Frames() {
		if strings.Contains(f.Func, name) {
			return true
		}
	}
	return false
}

// readConnections reads the trace's goroutine transitions into its connections (from `go
// call.run`, after the handshake), in order, and each request's connection: the program logs
// (category h2race) where each request begins, and the request's answer is its last
// connection's (nil: no handshake completed). A `go cs.doRequest` goes out on the newest one.
func readConnections(r *trace.Reader, ps *procs, sc *syscalls) (
	conns, requests []*connection, err error) {
	byDialer := map[trace.GoID]*connection{} // the goroutine that writes the preface
	byLoop := map[trace.GoID]*connection{}
	byWriter := map[trace.GoID]*connection{}
	inHandshake := map[trace.GoID]bool{} // its last system call was the handshake's
	inPreface := map[trace.GoID]bool{}   // it is in the preface's system call
	// Each goroutine's states since the flight, and since the newest `go cc.readLoop()`.
	sinceFlight := map[trace.GoID]*statesSince{}
	sinceLoop := map[trace.GoID]*statesSince{}
	var flight, loop trace.Time
	var flightP trace.ProcID
	var awaitingTake []*connection // the other P was idle at its read loop's creation
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			return conns, requests, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if ev.Kind() == trace.EventLog && ev.Log().Category == "h2race" {
			requests = append(requests, nil)
			continue
		}
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		ps.event(ev, st)
		if st.Resource.Kind == trace.ResourceProc {
			if from, to := st.Proc(); to == trace.ProcRunning && from != trace.ProcRunning {
				kept := awaitingTake[:0]
				for _, c := range awaitingTake {
					if st.Resource.Proc() != c.loopCreateP {
						c.otherTakenAt = ev.Time()
					} else {
						kept = append(kept, c)
					}
				}
				awaitingTake = kept
			}
		}
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		id, now := st.Resource.Goroutine(), ev.Time()
		from, to := st.Goroutine()
		sc.event(ev, st, len(requests)-1)
		if sinceFlight[id] == nil {
			sinceFlight[id], sinceLoop[id] = &statesSince{}, &statesSince{}
		}
		sinceFlight[id].at(now, flight, to)
		sinceLoop[id].at(now, loop, to)
		if to == trace.GoNotExist {
			delete(sinceFlight, id)
			delete(sinceLoop, id)
		}
		if from == trace.GoSyscall {
			if inHandshake[id] {
				flight, flightP = now, ev.Proc()
			}
			if c := byDialer[id]; c != nil && inPreface[id] {
				c.prefaceEnd, inPreface[id] = now, false
			}
		}
		if to == trace.GoSyscall {
			inHandshake[id] = startsIn(st.Stack, "andshake")
			if c := byDialer[id]; c != nil && c.prefaceStart == 0 && startsIn(st.Stack, "newClientConn") {
				c.prefaceStart, c.prefaceP, inPreface[id] = now, ev.Proc(), true
			}
			if c := byWriter[id]; c != nil && c.headersStart == 0 && startsIn(st.Stack, "writeHeaders") {
				c.headersStart = now
			}
		}
		if from == trace.GoNotExist && to == trace.GoRunnable {
			// st.Stack is where the new goroutine starts; ev.Goroutine() made it.
			switch {
			case startsIn(st.Stack, "addConnCall"):
				// A new connection, handshake done: it writes the preface and, if that worked,
				// makes the read loop.
				maker := sinceFlight[ev.Goroutine()]
				if maker == nil {
					maker = &statesSince{}
				}
				if len(requests) == 0 {
					return nil, nil, fmt.Errorf("a connection before the first request's mark: " +
						"a go-net-http without the h2race log events")
				}
				c := &connection{flight: flight, flightP: flightP,
					dialRunnable: maker.at(now, flight, trace.GoRunning)[trace.GoRunnable]}
				byDialer[id] = c
				conns = append(conns, c)
				requests[len(requests)-1] = c
			case startsIn(st.Stack, "readLoop"):
				c := byDialer[ev.Goroutine()]
				if c == nil {
					return nil, nil, fmt.Errorf("a read loop made outside `go call.run` (goroutine %d)", ev.Goroutine())
				}
				c.loopCreated, c.loopCreateP, c.loopThread = now, ev.Proc(), ev.Thread()
				c.otherAtLoop, c.otherLookingFor = ps.other(ev.Proc(), now)
				if c.otherAtLoop == otherIdle {
					awaitingTake = append(awaitingTake, c)
				}
				loop = now
				byLoop[id] = c
			case startsIn(st.Stack, "doRequest"):
				if len(conns) == 0 || conns[len(conns)-1].writerCreated != 0 {
					return nil, nil, fmt.Errorf("a request (goroutine %d) without a new connection", id)
				}
				c := conns[len(conns)-1]
				c.writerCreated, c.writerThread = now, ev.Thread()
				byWriter[id] = c
				if maker := sinceLoop[ev.Goroutine()]; maker != nil && c.loopCreated != 0 {
					c.requestStates = maps.Clone(maker.at(now, loop, trace.GoRunning))
				}
			}
		}
		if c := byLoop[id]; c != nil && to == trace.GoRunning && !c.loopRan {
			c.loopRan, c.loopFirstRun, c.loopRunP = true, now, ev.Proc()
		}
	}
}
