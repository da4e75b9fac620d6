"""The Python adapters' flags (h2race_httpx.py, h2race_grpc.py): the adapter protocol's --url URL
--ca FILE [--cert FILE --key FILE] -n N --proto P --timeout-ms N, plus --site DIR (packages that
come first on sys.path) and --version. Bad usage exits 2 (argparse)."""
import argparse


def parse_args(prog, protos, site_required=False, paced=False):
    p = argparse.ArgumentParser(prog=prog)
    p.add_argument("--site", required=site_required, default="")
    p.add_argument("--version", action="store_true")
    p.add_argument("--url")
    p.add_argument("--ca")
    p.add_argument("--cert", default="")
    p.add_argument("--key", default="")
    p.add_argument("-n", "--n", type=int, default=1)
    p.add_argument("--proto", choices=protos, default="h2")
    p.add_argument("--timeout-ms", type=int, default=5000)
    if paced:
        p.add_argument("--paced", action="store_true")
    args = p.parse_args()
    if args.version:
        return args
    if not args.url or not args.ca:
        p.error("need --url and --ca")
    if args.n < 1 or args.timeout_ms <= 0 or bool(args.cert) != bool(args.key):
        p.error("need -n >= 1, --timeout-ms > 0, and --cert with --key")
    return args
