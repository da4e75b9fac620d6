// Truth from the wire: tshark's fields per packet the server sent become one truth per
// connection. Fed here as tshark prints them (columns in harness/wire_truth.cc).
#include "harness/wire_truth.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "core/classes.h"

namespace h2race {
namespace {

ConnKey key(const char* client, uint16_t cport) {
  sockaddr_storage c{}, s{};
  auto* ci = reinterpret_cast<sockaddr_in*>(&c);
  auto* si = reinterpret_cast<sockaddr_in*>(&s);
  ci->sin_family = si->sin_family = AF_INET;
  inet_pton(AF_INET, client, &ci->sin_addr);
  inet_pton(AF_INET, "127.0.0.1", &si->sin_addr);
  ci->sin_port = htons(cport);
  si->sin_port = htons(8443);
  return *conn_key(c, s);
}

// stream, server ip/ip6/port, client ip/ip6/port, fin, rst, handshake types, alerts, h2, h1
std::string line(int stream, const char* client, int cport, const char* fin, const char* rst,
                 const char* hs, const char* alert, const char* h2 = "", const char* h1 = "") {
  return fmt::format("{}\t127.0.0.1\t\t8443\t{}\t\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", stream, client,
                     cport, fin, rst, hs, alert, h2, h1);
}

TEST(WireTruth, AlertResponseCloseAndUndecryptable) {
  std::string t;
  t += line(0, "127.0.0.2", 1000, "0", "0", "2,8,13,11,15,20", "");
  t += line(0, "127.0.0.2", 1000, "0", "0", "", "116");
  t += line(0, "127.0.0.2", 1000, "1", "0", "", "");
  t += line(1, "127.0.0.3", 1001, "0", "0", "2,8,11,15,20", "");
  t += line(1, "127.0.0.3", 1001, "0", "0", "", "", "400");
  t += line(1, "127.0.0.3", 1001, "0", "0", "", "0");  // close_notify after the answer
  t += line(1, "127.0.0.3", 1001, "0", "1", "", "");
  t += line(2, "127.0.0.4", 1002, "0", "0", "2,20", "");
  t += line(2, "127.0.0.4", 1002, "1", "0", "", "");
  t += line(3, "127.0.0.5", 1003, "0", "0", "2", "");  // no keys: its records stay encrypted
  t += line(3, "127.0.0.5", 1003, "1", "0", "", "");
  t += line(4, "127.0.0.6", 1004, "0", "0", "2,20", "", "", "200");
  WireTruth w = WireTruth::parse(t);
  EXPECT_EQ(w.connections(), 5u);
  auto a = w.take(key("127.0.0.2", 1000));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->truth, "tls_alert:certificate_required");
  EXPECT_EQ(a->close, "fin");
  auto b = w.take(key("127.0.0.3", 1001));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->truth, "http:400");
  EXPECT_EQ(b->close, "rst");
  EXPECT_EQ(w.take(key("127.0.0.4", 1002))->truth, cls::kCloseNoAlert);
  // Nothing is assumed of a connection whose records could not be read.
  EXPECT_EQ(w.take(key("127.0.0.5", 1003))->truth, cls::kUnknownTruth);
  EXPECT_EQ(w.take(key("127.0.0.6", 1004))->truth, cls::kOk);
  EXPECT_FALSE(w.take(key("127.0.0.6", 1004)));  // taken once
}

// A 4-tuple reused within one run is two connections (two tcp.stream numbers), taken in the
// order they happened.
TEST(WireTruth, AReusedFourTupleIsOneTruthPerConnectionInOrder) {
  std::string t;
  t += line(7, "127.0.0.2", 1000, "0", "0", "20", "116");
  t += line(9, "127.0.0.2", 1000, "0", "0", "20", "", "", "200");
  WireTruth w = WireTruth::parse(t);
  EXPECT_EQ(w.take(key("127.0.0.2", 1000))->truth, "tls_alert:certificate_required");
  EXPECT_EQ(w.take(key("127.0.0.2", 1000))->truth, cls::kOk);
}

}  // namespace
}  // namespace h2race
