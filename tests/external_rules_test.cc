// The rule tables for external clients, checked against text the real programs printed on this
// machine (scripts/capture-external against `h2race serve`, plus nghttpd -V and a closed port):
// curl 7.88.1 (OpenSSL 3.0), nghttp 1.52.0, go-net-http built with Go 1.19.8. Ports are the
// ones of the capture; the rules must not depend on them.
#include "core/external_rules.h"

#include <gtest/gtest.h>

namespace h2race {
namespace {

struct Captured {
  int exit_code;
  const char* text;
  const char* expected_class;
};

void expect_classes(std::string_view client, const std::vector<Captured>& cases) {
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
      "go-net-http",
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
  for (std::string_view client : {"curl", "nghttp", "go-net-http"}) {
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
      classify_external("go-net-http", {0, "error Get \"x\": remote error: tls: gremlins"});
  EXPECT_EQ(go.cls, "other");
}

}  // namespace
}  // namespace h2race
