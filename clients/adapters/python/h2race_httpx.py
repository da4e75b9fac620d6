#!/usr/bin/python3
"""python-httpx: N GETs with httpx (HTTP/2 through h2 for --proto h2), each with a new
httpx.Client and so a fresh connection, one result line per request. Same line protocol as
clients/go/main.go:

  <local ip:port> \\t ok <status>
  <local ip:port> \\t error <Type: message>[ <- CauseType: message ...]

The local address comes from httpcore's trace extension ("connection.connect_tcp.complete" hands
over the network stream, whose get_extra_info("client_addr") is the socket's name); "-" when no
TCP connection was made. The error chain follows __cause__ (else an unsuppressed __context__),
the way httpx wraps httpcore's exception, which wraps the ssl or socket error. Nothing is
classified.

Usage: /usr/bin/python3 h2race_httpx.py [--site DIR] --url URL --ca FILE [--cert FILE --key FILE]
                                        -n N --proto h1|h2 --timeout-ms N
       /usr/bin/python3 h2race_httpx.py [--site DIR] --version
Without --site: Debian's python3-httpx and python3-h2 (httpx 0.23, httpcore 0.16, h2 4.1). With
--site DIR: the packages in DIR come first (the build installs httpx 0.28 from PyPI there, pinned
by httpx-pypi.lock). --version prints the versions that are imported.
"""
import platform
import ssl
import sys
import threading

from adapter_args import parse_args

httpx = None  # imported in main(), after --site


def error_text(exc):
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen and len(parts) < 8:
        seen.add(id(exc))
        parts.append(f"{type(exc).__name__}: {exc}")
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return " <- ".join(parts).replace("\r", " ").replace("\n", " ")


def format_addr(addr):
    host, port = addr[0], addr[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def ssl_context(args):
    ctx = ssl.create_default_context(cafile=args.ca)
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    return ctx


def request(args, local):
    """One GET on a new Client; returns the answer, and sets local[0] once connected."""

    def trace(event, info):
        if event == "connection.connect_tcp.complete":
            local[0] = format_addr(info["return_value"].get_extra_info("client_addr"))

    ctx = ssl_context(args)  # a new one per request too: nothing shared between requests
    try:
        with httpx.Client(http2=args.proto == "h2", verify=ctx,
                          timeout=args.timeout_ms / 1000) as client:
            r = client.get(args.url, extensions={"trace": trace})
            return f"ok {r.status_code}"
    except Exception as e:  # noqa: BLE001 - the raw text is the point
        return f"error {error_text(e)}"


def versions():
    names = ["httpx", "httpcore", "h2"]
    found = []
    for name in names:
        module = sys.modules.get(name) or __import__(name)
        found.append(f"{name} {getattr(module, '__version__', '?')}")
    return ", ".join(found) + f", Python {platform.python_version()}"


def main():
    global httpx
    args = parse_args("h2race_httpx.py", ["h1", "h2"])
    if args.site:
        sys.path.insert(0, args.site)
    import httpx as imported  # noqa: PLC0415 - after --site, on purpose

    httpx = imported
    if args.version:
        print(versions())
        return
    try:
        ssl_context(args)
    except (OSError, ssl.SSLError) as e:
        print(f"h2race_httpx.py: {e}", file=sys.stderr)
        sys.exit(2)
    for _ in range(args.n):
        # httpx's timeout bounds each phase (connect, read, write); the thread bounds the whole.
        local, result = ["-"], []
        t = threading.Thread(target=lambda: result.append(request(args, local)), daemon=True)
        t.start()
        t.join(args.timeout_ms / 1000 + 0.5)
        answer = result[0] if result else f"error timeout after {args.timeout_ms} ms"
        sys.stdout.write(f"{local[0]}\t{answer}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
