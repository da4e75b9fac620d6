#!/usr/bin/env node
// grpc-node: N unary gRPC calls (/grpc.health.v1.Health/Check, an empty request: no protobuf
// needed) with @grpc/grpc-js, each on a new Client and so a fresh connection, TLS with the CA and
// a client certificate only if given. One result line per call, the line protocol of
// clients/go/main.go:
//
//   <local ip:port or -> \t ok <status>
//   <local ip:port or -> \t error <the status the callback gets: "code NAME: details">
//
// The server's rejection comes before any gRPC exchange. A call answered with an HTTP response
// that is not gRPC's (h2race's server answers 200 text/plain to a valid certificate) is printed as
// "ok 200" with the status after it: the server answered. @grpc/grpc-js comes from --modules DIR
// (the build's `npm ci` of package-lock.json). grpc-js does not expose its socket, so the local
// address is "-" and --paced waits for a line on stdin after each answer (h2race pairs it with
// the server's only record). Nothing is classified.
//
// Usage: node h2race-grpc-node.js --modules DIR --url URL --ca FILE [--cert FILE --key FILE] -n N
//                                 --proto h2 --timeout-ms N [--paced]
//        node h2race-grpc-node.js --modules DIR --version
'use strict';

const fs = require('fs');
const path = require('path');

const { makeUsage, parseArgs } = require(path.join(__dirname, '..', 'node', 'adapter-args.js'));

const usage = makeUsage('h2race-grpc-node', 'h2race-grpc-node.js --modules DIR --url URL --ca ' +
                        'FILE [--cert FILE --key FILE] -n N --proto h2 --timeout-ms N [--paced] | ' +
                        '--modules DIR --version');
const flags = {
  valued: { '--modules': 'modules' },
  switches: { '--version': 'version', '--paced': 'paced' },
  protos: ['h2'],  // gRPC speaks h2 only
  ready: (opts) => {
    if (!opts.modules) usage('need --modules');
    return opts.version;
  },
};

const passThrough = (buffer) => buffer;

function call(grpc, opts, credentials) {
  return new Promise((resolve) => {
    const target = new URL(opts.url).host;
    // Its own subchannel pool: grpc-js otherwise shares subchannels between Clients of one target,
    // so a call could take the connection (or the reconnect) the previous Client started, whose
    // server record the previous answer was paired with; with its own pool and close() each
    // call's connections are its own.
    const client = new grpc.Client(target, credentials, { 'grpc.use_local_subchannel_pool': 1 });
    const local = '-';
    const deadline = new Date(Date.now() + opts.timeoutMs);
    client.makeUnaryRequest('/grpc.health.v1.Health/Check', passThrough, passThrough,
      Buffer.alloc(0), { deadline }, (err) => {
        client.close();
        if (!err) return resolve(`${local}\tok 200`);
        const text = `code ${grpc.status[err.code]}: ${err.details}`.replace(/[\r\n\t]+/g, ' ');
        const http = /Received HTTP status code (\d+)/.exec(err.details || '');
        resolve(http ? `${local}\tok ${http[1]} ${text}` : `${local}\terror ${text}`);
      });
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), usage, flags);
  const grpc = require(path.join(path.resolve(opts.modules), '@grpc', 'grpc-js'));
  if (opts.version) {
    const pkg = require(path.join(path.resolve(opts.modules), '@grpc', 'grpc-js', 'package.json'));
    process.stdout.write(`@grpc/grpc-js ${pkg.version}, Node ${process.versions.node}\n`);
    return;
  }
  let credentials;
  try {
    const ca = fs.readFileSync(opts.ca);
    credentials = opts.cert
      ? grpc.credentials.createSsl(ca, fs.readFileSync(opts.key), fs.readFileSync(opts.cert))
      : grpc.credentials.createSsl(ca);
  } catch (err) {
    usage(String(err.message || err));
  }
  const lines = opts.paced ? require('readline').createInterface({ input: process.stdin })
    [Symbol.asyncIterator]() : null;
  for (let i = 0; i < opts.n; i++) {
    process.stdout.write(`${await call(grpc, opts, credentials)}\n`);
    if (lines && (await lines.next()).done) break;  // --paced: h2race's go-ahead, or EOF
  }
  process.exit(0);  // stdin's reader would keep the process alive
}

main();
