#!/usr/bin/env node
// node-undici: N GETs with undici (HTTP/2 through allowH2 for --proto h2, HTTP/1.1 for h1), each
// on a new Agent and so a fresh connection, one result line per request. Same line protocol as
// clients/go/main.go:
//
//   <local ip:port> \t ok <status>
//   <local ip:port> \t error <err.code err.message[ <- cause.code cause.message ...]>
//
// undici comes from --modules DIR (the build's `npm ci` of package-lock.json). The local address is
// taken from the socket undici's own connector hands back (buildConnector, wrapped); "-" when no
// connection was made. Nothing is classified: the text is what a user's catch gets.
//
// Usage: node h2race-undici.js --modules DIR --url URL --ca FILE [--cert FILE --key FILE] -n N
//                              --proto h1|h2 --timeout-ms N
//        node h2race-undici.js --modules DIR --version
'use strict';

const fs = require('fs');
const path = require('path');

function usage(msg) {
  process.stderr.write(`h2race-undici: ${msg}\n` +
    'usage: h2race-undici.js --modules DIR --url URL --ca FILE [--cert FILE --key FILE] -n N ' +
    '--proto h1|h2 --timeout-ms N | --modules DIR --version\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { modules: '', url: '', ca: '', cert: '', key: '', n: 1, proto: 'h2',
                 timeoutMs: 5000, version: false };
  const names = { '--modules': 'modules', '--url': 'url', '--ca': 'ca', '--cert': 'cert',
                  '--key': 'key', '-n': 'n', '--proto': 'proto', '--timeout-ms': 'timeoutMs' };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--version') { opts.version = true; i -= 1; continue; }
    const name = names[argv[i]];
    if (!name) usage(`unknown argument ${argv[i]}`);
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`);
    opts[name] = argv[i + 1];
  }
  if (!opts.modules) usage('need --modules');
  if (opts.version) return opts;
  opts.n = Number(opts.n);
  opts.timeoutMs = Number(opts.timeoutMs);
  if (!opts.url || !opts.ca || !Number.isInteger(opts.n) || opts.n < 1 ||
      (opts.proto !== 'h1' && opts.proto !== 'h2') || !(opts.timeoutMs > 0) ||
      !opts.cert !== !opts.key) {
    usage('need --url, --ca, -n >= 1, --proto h1|h2, --timeout-ms > 0, and --cert with --key');
  }
  return opts;
}

// "CODE message <- CODE message" along err.cause.
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

// One GET on a new Agent; resolves to the result line.
async function request(undici, opts, tlsOpts) {
  let local = '-';
  const connector = undici.buildConnector({
    ...tlsOpts, ALPNProtocols: opts.proto === 'h2' ? ['h2', 'http/1.1'] : ['http/1.1'],
  });
  const agent = new undici.Agent({
    allowH2: opts.proto === 'h2',
    connect: (options, callback) => connector(options, (err, socket) => {
      if (socket && socket.localPort) local = localOf(socket);
      callback(err, socket);
    }),
  });
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  try {
    const res = await undici.request(opts.url, { dispatcher: agent, signal: timeout });
    await res.body.dump();
    return `${local}\tok ${res.statusCode}`;
  } catch (err) {
    if (timeout.aborted) return `${local}\terror timeout after ${opts.timeoutMs} ms`;
    return `${local}\terror ${errorText(err)}`;
  } finally {
    agent.destroy().catch(() => {});
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const undici = require(path.join(path.resolve(opts.modules), 'undici'));
  if (opts.version) {
    const pkg = require(path.join(path.resolve(opts.modules), 'undici', 'package.json'));
    process.stdout.write(`undici ${pkg.version}, Node ${process.versions.node}\n`);
    return;
  }
  let tlsOpts;
  try {
    tlsOpts = { ca: fs.readFileSync(opts.ca) };
    if (opts.cert) {
      tlsOpts.cert = fs.readFileSync(opts.cert);
      tlsOpts.key = fs.readFileSync(opts.key);
    }
  } catch (err) {
    usage(errorText(err));
  }
  for (let i = 0; i < opts.n; i++) {
    process.stdout.write(`${await request(undici, opts, tlsOpts)}\n`);
  }
}

main();
