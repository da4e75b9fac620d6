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

const { makeUsage, parseArgs, errorText, localOf } =
  require(path.join(__dirname, '..', 'node', 'adapter-args.js'));

const usage = makeUsage('h2race-undici', 'h2race-undici.js --modules DIR --url URL --ca FILE ' +
                        '[--cert FILE --key FILE] -n N --proto h1|h2 --timeout-ms N | ' +
                        '--modules DIR --version');
const flags = {
  valued: { '--modules': 'modules' },
  switches: { '--version': 'version' },
  ready: (opts) => {
    if (!opts.modules) usage('need --modules');
    return opts.version;
  },
};

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
  const opts = parseArgs(process.argv.slice(2), usage, flags);
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
