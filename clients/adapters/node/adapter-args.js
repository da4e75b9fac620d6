// The Node adapters' shared part (h2race-node.js, node-undici, grpc-node): the adapter protocol's
// flags and the error text along err.cause. Required by path from this directory, which the build
// copies beside the others (build/clients/adapters/node/).
'use strict';

// usage(msg): the message and the synopsis on stderr, exit 2.
function makeUsage(prog, synopsis) {
  return (msg) => {
    process.stderr.write(`${prog}: ${msg}\nusage: ${synopsis}\n`);
    process.exit(2);
  };
}

// --url URL --ca FILE [--cert FILE --key FILE] -n N --proto P --timeout-ms N, plus `valued`
// ({flag: key}) and `switches` ({flag: key}) of the adapter's own. `protos`: what it speaks.
// `ready(opts)`, when given and true, returns before the request flags are checked (--version).
function parseArgs(argv, usage, { valued = {}, switches = {}, protos = ['h1', 'h2'], ready } = {}) {
  const opts = { url: '', ca: '', cert: '', key: '', n: 1, proto: 'h2', timeoutMs: 5000 };
  const names = { '--url': 'url', '--ca': 'ca', '--cert': 'cert', '--key': 'key', '-n': 'n',
                  '--n': 'n', '--proto': 'proto', '--timeout-ms': 'timeoutMs', ...valued };
  for (const key of Object.values(switches)) opts[key] = false;
  for (let i = 0; i < argv.length; i++) {
    if (switches[argv[i]]) { opts[switches[argv[i]]] = true; continue; }
    const name = names[argv[i]];
    if (!name) usage(`unknown argument ${argv[i]}`);
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`);
    opts[name] = argv[++i];
  }
  if (ready && ready(opts)) return opts;
  opts.n = Number(opts.n);
  opts.timeoutMs = Number(opts.timeoutMs);
  if (!opts.url || !opts.ca || !Number.isInteger(opts.n) || opts.n < 1 || !(opts.timeoutMs > 0) ||
      !opts.cert !== !opts.key) {
    usage('need --url, --ca, -n >= 1, --timeout-ms > 0, and --cert with --key');
  }
  if (!protos.includes(opts.proto)) {
    usage(`--proto ${opts.proto}: this adapter speaks ${protos.join(' or ')}`);
  }
  return opts;
}

// "CODE message <- CODE message" along err.cause, on one line.
function errorText(err) {
  const parts = [];
  for (let e = err, depth = 0; e && depth < 8; e = e.cause, depth++) {
    if (typeof e !== 'object') { parts.push(String(e)); break; }
    parts.push([e.code, e.message].filter(Boolean).join(' ').trim() || String(e));
  }
  return parts.join(' <- ').replace(/[\r\n\t]+/g, ' ');
}

function localOf(socket) {
  return socket.localAddress.includes(':') ? `[${socket.localAddress}]:${socket.localPort}`
                                           : `${socket.localAddress}:${socket.localPort}`;
}

module.exports = { makeUsage, parseArgs, errorText, localOf };
