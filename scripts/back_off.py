"""What scripts/back-off-wakes and scripts/go-window-cores share: a perf recording's lines with
their process and thread (`perf script -F comm,pid,tid,cpu,time,event,trace`), the client's
threads by role, and where the client's back-off sleeps ended.
Go's idle thread backs off in usleep(3) (a nanosleep) before it steals a running processor's
next goroutine; the go models' second processor does the same (go_usleep, a clock_nanosleep).
Whose sleeps are back-offs: a go model's `h2race-readloop` threads (not its `h2race-sysmon`,
whose sleeps are its ticks); in a real Go program's process (threads named after a go1.N
program, as h2race's Go clients are), every thread's but the one that sleeps most (Go's sysmon,
about seven times a request); no other process's. A back-off is a nanosleep call followed by the
thread's switch-out asleep; it ends with the sleeper's wake-up, on the CPU where its timer fired,
and the kernel names the thread it interrupted there as the waker."""
import collections

from perf_recording import LINE_PID, SWITCH, WAKE, fail, kind

EVENTS = ("sched:sched_switch", "sched:sched_wakeup", "syscalls:sys_enter_nanosleep",
          "syscalls:sys_enter_clock_nanosleep")
FIELDS = "comm,pid,tid,cpu,time,event,trace"
MODEL_THIEF, MODEL_SYSMON, MODEL_WRITER = "h2race-readloop", "h2race-sysmon", "h2race-request"
OWN_THREAD = "the client's own thread"

Event = collections.namedtuple("Event", "comm pid tid cpu ns event rest number")
# A back-off sleep's end: when (ns) and where (cpu) its timer fired, the sleeper, and the thread
# that ran there: its tid and what it is to the sleeper (idle, the client's own thread ...).
Expiry = collections.namedtuple("Expiry", "ns cpu sleeper interrupted category")


def parse(lines):
    """The recording's events, in its order; times in ns (a `perf script --ns` text keeps them
    whole, the default's us are scaled)."""
    events = []
    for number, raw in enumerate(lines, 1):
        m = LINE_PID.match(raw)
        if m:
            comm, pid, tid, cpu, t, event, rest = m.groups()
            events.append(Event(comm, pid, tid, int(cpu), round(float(t) * 1e9), event, rest,
                                number))
    return events


def is_model(k):
    return k.startswith("h2race")


def is_go(k):
    return k.startswith("go1.")


class Roles:
    """The client's threads by role, from the whole recording."""

    def __init__(self, events):
        sleeps = collections.Counter()
        self.pid_of = {}  # tid -> pid, as the recording's events name them
        for e in events:
            self.pid_of[e.tid] = e.pid
            if "nanosleep" in e.event and is_go(kind(e.comm)):
                sleeps[(e.pid, e.tid)] += 1
        most = {}
        for (pid, tid), n in sleeps.items():
            if n > most.get(pid, ("", 0))[1]:
                most[pid] = (tid, n)
        self.sysmon = {tid for tid, _ in most.values()}

    def is_sysmon(self, comm, tid):
        """Whether this is a client's sysmon: a go model's, or a real Go program's."""
        k = kind(comm)
        return k == MODEL_SYSMON or (is_go(k) and tid in self.sysmon)

    def thief(self, comm, tid):
        """Whether this thread's sleeps are back-offs."""
        k = kind(comm)
        if is_model(k):
            return k == MODEL_THIEF
        return is_go(k) and tid not in self.sysmon

    def category(self, comm, pid, tid, sleeper_pid):
        """What the thread that ran where a sleeper's timer fired is to the sleeper."""
        k = kind(comm)
        if k == "idle":
            return "idle"
        if is_model(k):
            if k == MODEL_WRITER:
                return OWN_THREAD
            return {MODEL_SYSMON: "the client's sysmon", MODEL_THIEF: "another thief"}.get(k, k)
        if is_go(k) and pid == sleeper_pid:
            return "the client's sysmon" if tid in self.sysmon else OWN_THREAD
        return k


def expiries(events, roles, source):
    """The back-off sleeps' ends, in order."""
    called = set()  # called nanosleep, not yet switched out
    sleeping = set()  # switched out asleep after that call
    out = []
    for e in events:
        if "nanosleep" in e.event:
            if roles.thief(e.comm, e.tid):
                called.add(e.tid)
            continue
        if e.tid in called and e.event == "sched:sched_switch":
            s = SWITCH.search(e.rest)
            if s and s.group(2) == e.tid and s.group(3).startswith(("S", "D")):
                sleeping.add(e.tid)
        # Any other event of a thread that called nanosleep: it did not sleep (a sleep too short
        # to leave its core) or has switched out already.
        called.discard(e.tid)
        if e.event == "sched:sched_wakeup":
            w = WAKE.search(e.rest)
            if not w:
                fail(f"{source}:{e.number}: a wake-up without comm, pid, target_cpu")
            woken = w.group(2)
            if woken in sleeping:
                sleeping.discard(woken)
                out.append(Expiry(e.ns, e.cpu, woken, e.tid,
                                  roles.category(e.comm, e.pid, e.tid, roles.pid_of.get(woken))))
    return out
