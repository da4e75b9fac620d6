"""What the scripts that pass flags through to `build/h2race` share: whether those flags already
give one the script sets itself, in any spelling h2race's parser takes ("--name", "--name=V",
"-n", "-nV", "-n=V"); such a flag would be given twice (scripts/slow-request-curve and the perf
recording scripts refuse it, exit 2)."""


def gives(arg, *names):
    """Whether the single word arg gives one of names (each "--long" or "-s")."""
    for name in names:
        if arg == name or arg.startswith(name + "="):
            return True
        if not name.startswith("--") and arg.startswith(name) and arg[len(name):].isdigit():
            return True
    return False
