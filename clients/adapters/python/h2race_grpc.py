#!/usr/bin/python3
"""grpc-python: N unary gRPC calls (/grpc.health.v1.Health/Check, an empty message sent as raw
bytes: no protobuf code needed) with grpcio, each on a new secure channel and so a fresh
connection, TLS with the CA and a client certificate only if given. One result line per call, the
line protocol of clients/go/main.go:

  - \\t ok <status>
  - \\t error <the status the caller sees: "StatusCode.NAME: details">

The rejection comes before any gRPC exchange. A call answered with an HTTP response that is not
gRPC's (h2race's server answers 200 text/plain to a valid certificate; grpcio says "No status
received") is printed as "ok - " with the status after it: the server answered. grpcio does not expose its socket: the local address is
"-", and --paced waits for a line on stdin after each answer (h2race pairs it with the server's
only record). Nothing is classified.

Usage: /usr/bin/python3 h2race_grpc.py --site DIR --url URL --ca FILE [--cert FILE --key FILE] -n N
                                       --proto h2 --timeout-ms N [--paced]
       /usr/bin/python3 h2race_grpc.py --site DIR --version
--site DIR: where the build installed grpcio (grpcio-pypi.lock); it comes first on sys.path.
"""
import platform
import sys
import urllib.parse

from adapter_args import parse_args


def main():
    args = parse_args("h2race_grpc.py", ["h2"], site_required=True, paced=True)
    sys.path.insert(0, args.site)
    import grpc  # noqa: PLC0415 - after --site, on purpose

    if args.version:
        print(f"grpcio {grpc.__version__}, Python {platform.python_version()}")
        return
    try:
        with open(args.ca, "rb") as f:
            ca = f.read()
        cert = key = None
        if args.cert:
            with open(args.cert, "rb") as f:
                cert = f.read()
            with open(args.key, "rb") as f:
                key = f.read()
    except OSError as e:
        print(f"h2race_grpc.py: {e}", file=sys.stderr)
        sys.exit(2)
    target = urllib.parse.urlparse(args.url).netloc
    credentials = grpc.ssl_channel_credentials(ca, key, cert)
    for _ in range(args.n):
        with grpc.secure_channel(target, credentials) as channel:
            check = channel.unary_unary("/grpc.health.v1.Health/Check")
            try:
                check(b"", timeout=args.timeout_ms / 1000)
                answer = "ok 200"
            except grpc.RpcError as e:
                text = f"{e.code()}: {e.details()}".replace("\r", " ").replace("\n", " ")
                # An HTTP answer without gRPC's trailers: the server answered.
                answer = f"ok - {text}" if "No status received" in text else f"error {text}"
        sys.stdout.write(f"-\t{answer}\n")
        sys.stdout.flush()
        if args.paced and not sys.stdin.readline():
            return


if __name__ == "__main__":
    main()
