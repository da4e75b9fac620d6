"""What scripts/flight-race, scripts/sched-wakes and scripts/sysmon-ticks share: recording
`build/h2race run -n N ARGS` under `perf record -a` and reading the recording back as `perf script`
text, or a saved text instead (--from); their command line; a thread's kind; percentiles; the
scripts' way to fail (exit 2)."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

from run_flags import gives


# A `perf script -F comm,pid,tid,cpu,time,event,trace` line: comm, pid, tid, CPU, time (s),
# event, the event's fields; and the fields of a switch and of a wake-up.
LINE_PID = re.compile(r"^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$")
SWITCH = re.compile(r"prev_comm=(.*?) prev_pid=(\d+) .*?prev_state=(\S+) ==> "
                    r"next_comm=(.*?) next_pid=(\d+)")
WAKE = re.compile(r"comm=(.*?) pid=(\d+) .*?target_cpu=(\d+)")


def fail(message):
    print(f"scripts/{os.path.basename(sys.argv[0])}: {message}", file=sys.stderr)
    sys.exit(2)


def parser(usage, default_n, per_request):
    """An argument parser with what the scripts share: -n (the recorded run's count), --from FILE
    (a saved recording instead) and, for the scripts that count per request (per_request), --requests
    N (the saved recording's count). No abbreviations: a run flag must never be read as one of
    ours."""
    prog = f"scripts/{os.path.basename(sys.argv[0])}"
    p = argparse.ArgumentParser(prog=prog, description=sys.modules["__main__"].__doc__,
                                allow_abbrev=False, usage=usage,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", type=int, metavar="N",
                   help=f"requests of the recorded run (default {default_n})")
    p.add_argument("--from", dest="source", metavar="FILE",
                   help="a saved perf script text to read instead")
    if per_request:
        p.add_argument("--requests", type=int, metavar="N",
                       help="with --from: how many requests it recorded")
    p.set_defaults(default_n=default_n, per_request=per_request)
    return p


def parse(p):
    """Parses the command line with p (from parser()) and refuses what the scripts share: a count
    that is not positive, -n or run flags with --from, --from without --requests (per request),
    --requests without --from, a count or (per request) --warm-up among the run flags, whose
    requests would be seen but not counted. Returns (args, run_args); args.n is the run's count."""
    args, run_args = p.parse_known_args()
    if args.source == "":
        fail("--from: the value is empty")
    if run_args and run_args[0] == "--":
        run_args = run_args[1:]
    for flag, value in (("-n", args.n), ("--requests", getattr(args, "requests", None))):
        if value is not None and value < 1:
            fail(f"{flag} {value}: a positive count")
    if args.source:
        if run_args:
            fail(f"--from reads a saved recording; unknown or run flags: {' '.join(run_args)}")
        if args.n is not None:
            fail("-n records a run; with --from " + (
                "give the recording's count as --requests N" if args.per_request else
                "leave it out"))
        if args.per_request and args.requests is None:
            fail("--from needs --requests N, the recorded run's count")
        return args, run_args
    if getattr(args, "requests", None) is not None:
        fail("--requests goes with --from; a recorded run counts its own (-n)")
    if any(gives(a, "-n", "--iterations") for a in run_args):
        fail("a count among the run flags: give it as this script's -n, before --")
    if args.per_request and any(gives(a, "--warm-up") for a in run_args):
        fail("--warm-up: its requests would be seen without being counted; leave it out")
    if args.n is None:
        args.n = args.default_n
    return args, run_args


def kind(comm):
    """The thread's kind: its name without the number a pool or the kernel gives it."""
    if comm.startswith("swapper"):
        return "idle"
    return re.sub(r"[/:]?\d+$", "", comm) or comm


def pct(values, f):
    values = sorted(values)
    return values[int(f * (len(values) - 1))] if values else float("nan")


def read_saved(path):
    """The lines of a saved `perf script` text."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except OSError as e:
        fail(f"{path}: {e.strerror}")


def record_command(command, events, fields, started=None, mono=False, ok=(0,), echo=True):
    """Runs command under `perf record -a` with events, (event, filter or None) pairs, and returns
    the recording's `perf script -F fields` lines; with mono the events carry CLOCK_MONOTONIC
    times in ns (`-k mono`, `--ns`), comparable with Go's trace and h2race's own clock. Echoes the
    command's output (echo) unless its exit code is not in ok, when it is failed with. started(pid),
    if given, is called once perf has started (e.g. to start a daemon thread that looks at the
    run); it must return at once."""
    if shutil.which("perf") is None:
        fail("perf is missing: scripts/setup installs linux-perf")
    prog = os.path.basename(sys.argv[0])
    with tempfile.TemporaryDirectory(prefix=f"h2race-{prog}-") as tmp:
        data = os.path.join(tmp, "perf.data")
        cmd = ["perf", "record", "-q", "-a", "-o", data] + (["-k", "mono"] if mono else [])
        for event, flt in events:
            cmd += ["-e", event] + (["--filter", flt] if flt else [])
        cmd += ["--", *command]
        run = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if started:
            started(run.pid)
        out, _ = run.communicate()
        if run.returncode not in ok:
            sys.stderr.write(out)
            fail(f"{' '.join(cmd)}: exit {run.returncode}")
        if echo:
            sys.stdout.write(out)
        script = subprocess.run(["perf", "script", "-i", data, "-F", fields] +
                                (["--ns"] if mono else []),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if script.returncode != 0:
            fail("perf script failed")
        return script.stdout.splitlines()


def h2race_binary():
    """build/h2race beside these scripts, or a failure that says how to get it."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    h2race = os.path.join(root, "build", "h2race")
    if not os.access(h2race, os.X_OK):
        fail(f"{h2race} is missing: run scripts/setup")
    return h2race


def record(n, run_args, events, fields, started=None):
    """Runs `build/h2race run -n n run_args` under perf (record_command); echoes the run's output
    and returns the recording's lines."""
    # 1: a check the run was asked for failed (--fail-on-divergence): the run itself is whole.
    # 2 (bad usage), 3 (an internal error) and an interruption leave nothing to read.
    return record_command([h2race_binary(), "run", "-n", str(n), *run_args], events, fields,
                          started=started, ok=(0, 1))
