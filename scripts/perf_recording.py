"""What scripts/flight-race, scripts/sched-wakes and scripts/sysmon-ticks share: recording
`build/h2race run -n N ARGS` under `perf record -a` and reading the recording back as `perf script`
text, or a saved text instead (--from); a thread's kind; percentiles; the scripts' way to fail
(exit 2)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def fail(message):
    print(f"scripts/{os.path.basename(sys.argv[0])}: {message}", file=sys.stderr)
    sys.exit(2)


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


def record(n, run_args, events, fields, started=None):
    """Runs `build/h2race run -n n run_args` under `perf record -a` with events, (event, filter or
    None) pairs; echoes the run's output and returns the recording's `perf script -F fields`
    lines. started(pid), if given, is called once perf has started (e.g. to start a daemon thread
    that looks at the run); it must return at once."""
    if shutil.which("perf") is None:
        fail("perf is missing: scripts/setup installs linux-perf")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    h2race = os.path.join(root, "build", "h2race")
    if not os.access(h2race, os.X_OK):
        fail(f"{h2race} is missing: run scripts/setup")
    prog = os.path.basename(sys.argv[0])
    with tempfile.TemporaryDirectory(prefix=f"h2race-{prog}-") as tmp:
        data = os.path.join(tmp, "perf.data")
        cmd = ["perf", "record", "-q", "-a", "-o", data]
        for event, flt in events:
            cmd += ["-e", event] + (["--filter", flt] if flt else [])
        cmd += ["--", h2race, "run", "-n", str(n), *run_args]
        run = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if started:
            started(run.pid)
        out, _ = run.communicate()
        if run.returncode not in (0, 3):  # 3: h2race's "the run saw a difference" is no failure
            sys.stderr.write(out)
            fail(f"{' '.join(cmd)}: exit {run.returncode}")
        sys.stdout.write(out)
        script = subprocess.run(["perf", "script", "-i", data, "-F", fields],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if script.returncode != 0:
            fail("perf script failed")
        return script.stdout.splitlines()
