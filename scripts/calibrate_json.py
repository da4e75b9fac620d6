"""What the scripts that sweep a calibrate flag share (scripts/slow-request-curve,
scripts/host-check): one run of `build/h2race calibrate FLAGS --json F`, its report read back,
and a class's share of either side as the report counts it."""
import json
import os
import subprocess
import tempfile

H2RACE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "h2race")


class CalibrateFailed(Exception):
    """calibrate exited non-zero: its arguments, exit code and stderr, for the script to report."""

    def __init__(self, args, code, stderr):
        super().__init__(f"{' '.join(args)}: exit {code}\n{stderr.strip()}")
        self.code = code


def calibrate(flags):
    """The JSON report of `h2race calibrate FLAGS` (its table on stdout is dropped)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "calibrate.json")
        args = ["calibrate", *flags, "--json", path]
        r = subprocess.run([H2RACE, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
        if r.returncode != 0:
            raise CalibrateFailed(args, r.returncode, r.stderr)
        with open(path) as f:
            return json.load(f)


def share(report, side, cls):
    """cls's share in % of side ("real" or "model") in a calibrate report; 0 if it had none."""
    count = sum(c["count"] for c in report[side]["classes"] if c["class"] == cls)
    return 100.0 * count / report[side]["iterations"]
