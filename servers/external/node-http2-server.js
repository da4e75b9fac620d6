// Node.js's http2 server (node:http2 createSecureServer, OpenSSL), the server h2race starts for
// --server node-http2: HTTP/2 and HTTP/1.1 (allowHTTP1), a client certificate requested and,
// with --mtls require, required and verified against the run's CA. Runs until SIGTERM.
//   node node-http2-server.js HOST PORT CERT KEY CA require|none
'use strict';
const fs = require('fs');
const http2 = require('http2');

const [host, port, cert, key, ca, mtls] = process.argv.slice(2);
if (!mtls || !['require', 'none'].includes(mtls)) {
  console.error('usage: node-http2-server.js HOST PORT CERT KEY CA require|none');
  process.exit(2);
}
const server = http2.createSecureServer({
  cert: fs.readFileSync(cert),
  key: fs.readFileSync(key),
  ca: fs.readFileSync(ca),
  requestCert: mtls === 'require',
  rejectUnauthorized: mtls === 'require',
  allowHTTP1: true,
});
server.on('request', (req, res) => res.end('h2race: served\n'));
// A rejected client is the point of the run, not news.
server.on('tlsClientError', () => {});
server.listen(Number(port), host);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
