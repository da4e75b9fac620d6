// Node.js's http2 server (node:http2 createSecureServer, OpenSSL), the server h2race starts for
// --server node-http2: HTTP/2 and HTTP/1.1 (allowHTTP1), a client certificate requested and,
// with require, required and verified against the run's CA; with optional, verified if given and
// a request without one refused with 403. Runs until SIGTERM.
//   node node-http2-server.js HOST PORT CERT KEY CA require|optional|none
'use strict';
const fs = require('fs');
const http2 = require('http2');

const [host, port, cert, key, ca, mtls] = process.argv.slice(2);
if (!mtls || !['require', 'optional', 'none'].includes(mtls)) {
  console.error('usage: node-http2-server.js HOST PORT CERT KEY CA require|optional|none');
  process.exit(2);
}
const server = http2.createSecureServer({
  cert: fs.readFileSync(cert),
  key: fs.readFileSync(key),
  ca: fs.readFileSync(ca),
  requestCert: mtls !== 'none',
  rejectUnauthorized: mtls === 'require',
  allowHTTP1: true,
});
server.on('request', (req, res) => {
  if (mtls === 'optional' && !req.socket.authorized) {
    res.statusCode = 403;
    return res.end('a client certificate is required\n');
  }
  res.end('h2race: served\n');
});
// A rejected client is the point of the run, not news.
server.on('tlsClientError', () => {});
server.listen(Number(port), host);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
