#!/usr/bin/env node
// node-http2: N GETs with Node's http2 module (--proto h2) or https module (--proto h1), each on a
// fresh connection, one result line per request. Same line protocol as clients/go/main.go:
//
//   <local ip:port> \t ok <status>
//   <local ip:port> \t error <err.code err.message[ <- cause.code cause.message ...]>
//
// The local address is taken at the TCP 'connect' of the socket the request used (before any
// TLS error can destroy it), "-" when no connection was made. Nothing is classified: the text is
// what a Node user's error handler gets. For h2 the request stream's error is preferred over the
// session's (a pending stream gets ERR_HTTP2_STREAM_CANCEL whose cause is the session's error).
//
// Usage: node h2race-node.js --url URL --ca FILE [--cert FILE --key FILE] -n N
//                            --proto h1|h2 --timeout-ms N
'use strict';

const fs = require('fs');
const http2 = require('http2');
const https = require('https');
const net = require('net');
const tls = require('tls');

const { makeUsage, parseArgs, errorText, localOf } = require('./adapter-args.js');

const usage = makeUsage('h2race-node', 'h2race-node.js --url URL --ca FILE [--cert FILE --key FILE] ' +
                        '-n N --proto h1|h2 --timeout-ms N');

// One GET; resolves to the result line.
function request(opts, tlsOpts) {
  return new Promise((resolve) => {
    let local = '-';
    let done = false;
    let cleanup = () => {};
    const finish = (answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cleanup();
      resolve(`${local}\t${answer}`);
    };
    const track = (socket) => {
      // SSLKEYLOGFILE (h2race sets it with --server NAME, to read the server's records from the
      // capture): written at once, since process.exit() below drops what --tls-keylog still
      // buffers.
      if (process.env.SSLKEYLOGFILE) {
        socket.on('keylog', (line) => fs.appendFileSync(process.env.SSLKEYLOGFILE, line));
      }
      if (socket.localPort) local = localOf(socket);
      else socket.once('connect', () => { local = localOf(socket); });
      return socket;
    };
    const timer = setTimeout(() => finish(`error timeout after ${opts.timeoutMs} ms`),
                             opts.timeoutMs);
    const url = new URL(opts.url);

    if (opts.proto === 'h1') {
      const req = https.request(url, {
        ...tlsOpts,
        agent: false, // a one-off agent: a fresh connection, not reused
      });
      req.on('socket', track);
      cleanup = () => req.destroy();
      req.on('error', (err) => finish(`error ${errorText(err)}`));
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => finish(`ok ${res.statusCode}`));
        res.on('error', (err) => finish(`error ${errorText(err)}`));
      });
      req.end();
      return;
    }

    let sessionError = null;
    let socket = null;
    const session = http2.connect(url, {
      createConnection: () => (socket = track(tls.connect({
        ...tlsOpts, host: url.hostname, port: Number(url.port || 443),
        servername: net.isIP(url.hostname) ? undefined : url.hostname, ALPNProtocols: ['h2'],
      }))),
    });
    // After a TLS error, session.destroy() leaves the TCP socket open (CLOSE-WAIT; Node 20), which
    // would hold one of the server's connection slots until the process exits: close it too.
    cleanup = () => { session.destroy(); if (socket) socket.destroy(); };
    session.on('error', (err) => {
      // Give the stream's own error (same tick batch) the chance to be the answer.
      sessionError = err;
      setImmediate(() => finish(`error ${errorText(err)}`));
    });
    const req = session.request({ ':path': url.pathname + url.search });
    let status = 0;
    req.on('response', (headers) => { status = headers[':status']; });
    req.on('error', (err) => finish(`error ${errorText(err)}`));
    req.resume();
    req.on('end', () => finish(`ok ${status}`));
    req.on('close', () => {
      // Closed without 'end' or an error of its own (e.g. RST_STREAM, GOAWAY).
      setImmediate(() => finish(sessionError ? `error ${errorText(sessionError)}`
        : `error stream closed without response (rstCode ${req.rstCode})`));
    });
    req.end();
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), usage);
  let tlsOpts;
  try {
    tlsOpts = { ca: fs.readFileSync(opts.ca) };
    if (opts.cert) {
      tlsOpts.cert = fs.readFileSync(opts.cert);
      tlsOpts.key = fs.readFileSync(opts.key);
    }
  } catch (err) {
    usage(err.message);
  }
  for (let i = 0; i < opts.n; i++) {
    const line = await request(opts, tlsOpts);
    // A synchronous write: each line reaches h2race as soon as it is known, even through a pipe.
    fs.writeSync(1, line + '\n');
  }
  process.exit(0);
}

main();
