// The rules of the built-in client definitions (clients/external/*.client), checked against text
// the real programs printed on this machine (scripts/capture-external against `h2race serve`,
// plus nghttpd -V and a closed port): curl 7.88.1 (OpenSSL 3.0), nghttp 1.52.0, go1.19-net-http
// built with Go 1.19.8; and, line by line, every answer the adapters (Node 20, Python httpx 0.23 +
// h2 4.1, Java 17 HttpClient) printed in tests/data/captured/. Ports are the ones of the capture;
// the rules must not depend on them.
#include "core/external_rules.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "core/client_definition.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

const ClientDefinition& builtin(const std::string& name) {
  static std::map<std::string, ClientDefinition> loaded;
  auto it = loaded.find(name);
  if (it == loaded.end()) {
    const std::string file =
        std::string(H2RACE_SOURCE_DIR) + "/clients/external/" + name + ".client";
    it = loaded.emplace(name, read_client_definition(file)).first;
  }
  return it->second;
}

Outcome classify_external(const std::string& client, const ExternalReport& report) {
  return h2race::classify_external(builtin(client).rules, report);
}

struct Captured {
  int exit_code;
  const char* text;
  const char* expected_class;
};

void expect_classes(const std::string& client, const std::vector<Captured>& cases) {
  for (const auto& c : cases) {
    const Outcome o = classify_external(client, {c.exit_code, c.text});
    EXPECT_EQ(o.cls, c.expected_class) << client << " exit " << c.exit_code << ": " << c.text;
    if (o.cls != "ok") {
      EXPECT_FALSE(o.raw.empty()) << "the user's text must be kept: " << c.text;
    }
  }
}

TEST(ExternalRules, Curl) {
  expect_classes(
      "curl",
      {
          {16, "curl: (16) Send failure: Connection reset by peer\n", "write:ECONNRESET"},
          {55, "curl: (55) Send failure: Connection reset by peer\n", "write:ECONNRESET"},
          {16, "curl: (16) Send failure: Broken pipe\n", "write:EPIPE"},
          {55, "curl: (55) Send failure: Broken pipe\n", "write:EPIPE"},
          {55,
           "curl: (55) getpeername() failed with errno 107: Transport endpoint is not connected\n",
           "connect:ENOTCONN"},
          {56,
           "curl: (56) OpenSSL SSL_read: OpenSSL/3.0.19: error:0A00045C:SSL "
           "routines::tlsv13 alert certificate required, errno 0\n",
           "tls_alert:certificate_required"},
          {56,
           "curl: (56) OpenSSL SSL_read: OpenSSL/3.0.19: error:0A000418:SSL routines::tlsv1 "
           "alert unknown ca, errno 0\n",
           "tls_alert:unknown_ca"},
          {56,
           "curl: (56) OpenSSL SSL_read: OpenSSL/3.0.19: error:0A000415:SSL routines::sslv3 "
           "alert certificate expired, errno 0\n",
           "tls_alert:certificate_expired"},
          {56,
           "curl: (56) OpenSSL SSL_read: OpenSSL/3.0.19: error:0A000413:SSL routines::sslv3 "
           "alert unsupported certificate, errno 0\n",
           "tls_alert:unsupported_certificate"},
          {35,
           "curl: (35) OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake "
           "failure\n",
           "tls_alert:handshake_failure"},
          {7,
           "curl: (7) Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to "
           "server\n",
           "connect:ECONNREFUSED"},
          {0, "", "ok"},
      });
}

TEST(ExternalRules, Nghttp) {
  expect_classes(
      "nghttp",
      {
          // Every failure after the TCP connect, whatever the server did: nghttp says only this.
          {0, "Some requests were not processed. total=1, processed=0\n", "h2:no_connection"},
          {0,
           "[WARNING] Certificate verification failed: hostname mismatch\nSome requests were not "
           "processed. total=1, processed=0\n",
           "h2:no_connection"},
          {0,
           "[ERROR] Could not connect to the address 127.0.0.1\nSome requests were not processed. "
           "total=1, processed=0\n",
           "connect:ECONNREFUSED"},
          {0, "", "ok"},
      });
}

TEST(ExternalRules, GoNetHttp) {
  expect_classes(
      "go1.19-net-http",
      {
          {0, "error Get \"https://127.0.0.1:35935/\": remote error: tls: certificate required",
           "tls_alert:certificate_required"},
          {0,
           "error Get \"https://127.0.0.1:35935/\": write tcp 127.0.0.1:60216->127.0.0.1:35935: "
           "write: connection reset by peer",
           "write:ECONNRESET"},
          {0,
           "error Get \"https://127.0.0.1:18443/\": write tcp 127.0.0.1:39200->127.0.0.1:18443: "
           "write: broken pipe",
           "write:EPIPE"},
          {0,
           "error Get \"https://127.0.0.1:35935/\": remote error: tls: unknown certificate "
           "authority",
           "tls_alert:unknown_ca"},
          {0, "error Get \"https://127.0.0.1:35935/\": remote error: tls: expired certificate",
           "tls_alert:certificate_expired"},
          {0, "error Get \"https://127.0.0.1:35935/\": remote error: tls: unsupported certificate",
           "tls_alert:unsupported_certificate"},
          {0, "error Get \"https://127.0.0.1:35935/\": remote error: tls: handshake failure",
           "tls_alert:handshake_failure"},
          {0,
           "error Get \"https://127.0.0.1:1/\": dial tcp 127.0.0.1:1: connect: connection refused",
           "connect:ECONNREFUSED"},
          {0, "ok 200", "ok"},
      });
}

TEST(ExternalRules, UnknownTextIsOtherWithTheTextKept) {
  for (const std::string client :
       {"curl", "nghttp", "go1.19-net-http", "node", "python-httpx", "java"}) {
    const Outcome o = classify_external(client, {3, "something nobody has seen before"});
    EXPECT_EQ(o.cls, "other") << client;
    EXPECT_NE(o.raw.find("something nobody has seen before"), std::string::npos) << o.raw;
    EXPECT_NE(o.raw.find("exit 3"), std::string::npos) << o.raw;
  }
}

TEST(ExternalRules, AnAlertNameNoRfcKnowsIsOtherNotAMadeUpClass) {
  const Outcome curl = classify_external(
      "curl", {56, "curl: (56) OpenSSL SSL_read: tlsv13 alert frobnicated, errno 0"});
  EXPECT_EQ(curl.cls, "other");
  const Outcome go =
      classify_external("go1.19-net-http", {0, "error Get \"x\": remote error: tls: gremlins"});
  EXPECT_EQ(go.cls, "other");
}

// Every answer in tests/data/captured/<client>-*.txt ("count<TAB>answer" lines, the local address
// removed), with the class it must get. An answer captured but missing here fails the test, so a
// new capture cannot slip through as `other`.
// reqwest's outer error names the URL (its port made PORT in the captures), then hyper's kind.
const std::string kReqwest =
    "error error sending request for url (https://127.0.0.1:PORT/) <- client error ";
const std::map<std::string, std::map<std::string, std::string>> kCapturedClasses{
    {"node",
     {{"ok 200", "ok"},
      {"error ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED 804CE6E14E7F0000:error:0A00045C:SSL "
       "routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/"
       "record/rec_layer_s3.c:1601:SSL alert number 116",
       "tls_alert:certificate_required"}}},
    // undici 7.30.2: the server's FIN ends the socket first, and its SocketError names no alert.
    // grpc-js: the status the callback gets; UNAVAILABLE names the alert in Node's OpenSSL text.
    {"grpc-node",
     {{"ok 200 code UNKNOWN: Received HTTP status code 200", "ok"},
      {"error code UNAVAILABLE: No connection established. Last error: "
       "804CE6E14E7F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate "
       "required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116  "
       "(TIME). Resolution note: ",
       "tls_alert:certificate_required"}}},
    // grpcio: its TSI reports the alert record as corrupt data; against an Ed25519 server its
    // handshake fails (no Ed25519 signature offered), the server's handshake_failure named.
    {"grpc-python",
     {{"ok - StatusCode.UNKNOWN: No status received", "ok"},
      {"error StatusCode.UNAVAILABLE: failed to connect to all addresses; last error: "
       "UNAVAILABLE: ipv4:ADDR: Unwrap failed (TSI_DATA_CORRUPTED)",
       "read:tls_error"},
      {"error StatusCode.UNAVAILABLE: failed to connect to all addresses; last error: UNKNOWN: "
       "ipv4:ADDR: Tls handshake failed (TSI_PROTOCOL_FAILURE): SSL_ERROR_SSL: "
       "error:10000410:SSL routines:OPENSSL_internal:SSLV3_ALERT_HANDSHAKE_FAILURE: Invalid "
       "certificate verification context: OK",
       "tls_alert:handshake_failure"}}},
    // OkHttp 5 on JDK 17's TLS.
    {"okhttp",
     {{"ok 200", "ok"},
      {"error SSLHandshakeException: Received fatal alert: certificate_required",
       "tls_alert:certificate_required"},
      {"error ConnectionShutdownException: null", "conn:canceled"},
      {"error SocketException: Connection or outbound has closed", "conn:closed_locally"},
      {"error IOException: closed", "conn:closed_locally"}}},
    // grpc-java over Netty's BoringSSL: the alert named in its error string; against an Ed25519
    // server the handshake fails.
    {"grpc-java",
     {{"ok 200 UNKNOWN: HTTP status code 200 missing content-type in response headers trailers: "
       "Metadata(:status=200)",
       "ok"},
      {"error UNAVAILABLE: ssl exception <- DecoderException: io.grpc.netty.shaded.io.netty.hand"
       "ler.ssl.ReferenceCountedOpenSslEngine$OpenSslException: error:1000045c:SSL routines:OPEN"
       "SSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED <- OpenSslException: error:1000045c:SSL ro"
       "utines:OPENSSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED",
       "tls_alert:certificate_required"},
      {"error UNAVAILABLE: io exception Channel Pipeline: [SslHandler#0, ProtocolNegotiators$Cli"
       "entTlsHandler#0, WriteBufferingAndExceptionHandler#0, DefaultChannelPipeline$TailContext"
       "#0] <- OpenSslHandshakeException: error:10000410:SSL routines:OPENSSL_internal:SSLV3_ALE"
       "RT_HANDSHAKE_FAILURE",
       "tls_alert:handshake_failure"}}},
    {"node-undici", {{"ok 200", "ok"}, {"error UND_ERR_SOCKET other side closed", "read:EOF"}}},
    {"python-httpx",
     {{"ok 200", "ok"},
      {"error ReadError: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate "
       "required (_ssl.c:2546) <- ReadError: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 "
       "alert certificate required (_ssl.c:2546) <- SSLError: [SSL: "
       "TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required (_ssl.c:2546)",
       "tls_alert:certificate_required"},
      {"error WriteError: EOF occurred in violation of protocol (_ssl.c:2393) <- WriteError: EOF "
       "occurred in violation of protocol (_ssl.c:2393) <- SSLEOFError: EOF occurred in "
       "violation of protocol (_ssl.c:2393)",
       "write:errno_lost"}}},
    // httpx 0.28 / httpcore 1.0 from PyPI: the same errors, one link shorter in the chain.
    {"python-httpx-0.28",
     {{"ok 200", "ok"},
      {"error ReadError: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate "
       "required (_ssl.c:2546) <- ReadError: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 "
       "alert certificate required (_ssl.c:2546)",
       "tls_alert:certificate_required"},
      {"error WriteError: EOF occurred in violation of protocol (_ssl.c:2393) <- WriteError: EOF "
       "occurred in violation of protocol (_ssl.c:2393)",
       "write:errno_lost"}}},
    {"java",
     {{"ok 200", "ok"},
      {"error SSLHandshakeException: Received fatal alert: certificate_required <- "
       "SSLHandshakeException: Received fatal alert: certificate_required",
       "tls_alert:certificate_required"},
      {"error IOException: null <- ClosedChannelException: null", "conn:closed_locally"},
      {"error HttpTimeoutException: request timed out", "timeout"},
      {"error IOException: HTTP/1.1 header parser received no bytes <- IOException: HTTP/1.1 "
       "header parser received no bytes <- SocketException: Connection reset",
       "read:ECONNRESET"},
      {"error IOException: Connection reset <- SocketException: Connection reset",
       "read:ECONNRESET"},
      {"error IOException: Broken pipe <- IOException: Broken pipe", "write:EPIPE"}}},

    // grpc-go: the status the caller sees; UNAVAILABLE counts as the alert only when its text
    // names the alert.
    {"grpc-go",
     {{"ok 200 rpc error: code = Unknown desc = unexpected HTTP status code received from server: "
       "200 (OK); malformed header: missing HTTP content-type",
       "ok"},
      {"error rpc error: code = Unavailable desc = connection error: desc = \"error reading server "
       "preface: remote error: tls: certificate required\"",
       "tls_alert:certificate_required"},
      {"error rpc error: code = Unavailable desc = write tcp ADDR->ADDR: write: broken pipe",
       "write:EPIPE"},
      {"error rpc error: code = Unavailable desc = write tcp ADDR->ADDR: write: connection reset "
       "by "
       "peer",
       "write:ECONNRESET"}}},
    {"rust-reqwest",
     {{"ok 200", "ok"},
      {kReqwest + "(SendRequest) <- connection error <- received fatal alert: CertificateRequired",
       "tls_alert:certificate_required"},
      {kReqwest + "(Canceled) <- operation was canceled <- connection error <- received fatal "
                  "alert: CertificateRequired",
       "tls_alert:certificate_required"},
      {kReqwest + "(SendRequest) <- connection error <- stream closed because of a broken pipe",
       "read:EOF"},
      {kReqwest + "(Canceled) <- operation was canceled <- connection closed", "conn:canceled"},
      {kReqwest + "(Canceled) <- operation was canceled <- connection was not ready",
       "conn:canceled"},
      {kReqwest + "(SendRequest) <- channel closed", "conn:canceled"}}},
    {"rust-hyper",
     {{"ok 200", "ok"},
      {"error connection error <- received fatal alert: CertificateRequired",
       "tls_alert:certificate_required"},
      {"error operation was canceled <- connection error <- received fatal alert: "
       "CertificateRequired",
       "tls_alert:certificate_required"},
      // h2's text for the EOF its connection read (recv_eof), not for a failed write.
      {"error connection error <- stream closed because of a broken pipe", "read:EOF"},
      {"error connection error <- connection closed because of a broken pipe", "read:EOF"},
      {"error operation was canceled <- connection closed", "conn:canceled"},
      {"error operation was canceled <- connection was not ready", "conn:canceled"}}},
};

// Node's OpenSSL error text starts with the address of its error state: not part of the answer.
std::string without_error_state(std::string answer) {
  const size_t colon = answer.find(":error:");
  const size_t space = answer.rfind(' ', colon);
  if (colon != std::string::npos && space != std::string::npos) {
    answer.replace(space + 1, colon - space - 1, "804CE6E14E7F0000");
  }
  return answer;
}

TEST(ExternalRules, EveryCapturedAdapterAnswerLineByLine) {
  size_t lines = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(H2RACE_SOURCE_DIR) / "tests/data/captured")) {
    const std::string file = entry.path().filename().string();
    std::string client;
    // The longest name that prefixes the file: python-httpx-0.28-h2-... is not python-httpx's.
    for (const auto& [name, classes] : kCapturedClasses) {
      if (file.starts_with(name + "-") && name.size() > client.size()) client = name;
    }
    ASSERT_FALSE(client.empty()) << "captured output of no known client: " << file;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      const std::string answer = without_error_state(line.substr(line.find('\t') + 1));
      const auto& expected = kCapturedClasses.at(client);
      const auto it = expected.find(answer);
      ASSERT_NE(it, expected.end()) << file << ": no expected class for: " << answer;
      const Outcome o = classify_external(client, {0, answer});
      EXPECT_EQ(o.cls, it->second) << file << ": " << answer;
      EXPECT_FALSE(o.raw.empty());
      ++lines;
    }
  }
  EXPECT_GE(lines, 30u);
}

// The error texts these runtimes give for the other transport errors, from their sources (not
// seen against h2race's server yet): the rules name them, so they must not be `other`.
TEST(ExternalRules, AdapterTransportErrors) {
  expect_classes(
      "node", {{0, "error EPIPE write EPIPE", "write:EPIPE"},
               {0, "error ECONNRESET read ECONNRESET", "read:ECONNRESET"},
               {0, "error ECONNREFUSED connect ECONNREFUSED 127.0.0.1:1", "connect:ECONNREFUSED"},
               {0, "error timeout after 5000 ms", "timeout"}});
  expect_classes(
      "python-httpx",
      {{0, "error WriteError: [Errno 32] Broken pipe <- BrokenPipeError: [Errno 32] Broken pipe",
        "write:EPIPE"},
       {0, "error ReadTimeout: The read operation timed out", "timeout"},
       {0, "error ReadTimeout: timed out <- TimeoutError: timed out", "timeout"},
       {0, "error ConnectError: [Errno 111] Connection refused", "connect:ECONNREFUSED"}});
  expect_classes("java",
                 {{0, "error ConnectException: null <- ConnectException: Connection refused",
                   "connect:ECONNREFUSED"},
                  {0, "error IOException: Connection reset by peer", "write:ECONNRESET"},
                  {0, "error timeout after 5000 ms", "timeout"}});
}

}  // namespace
}  // namespace h2race
