#include "core/truth_table.h"

#include <gtest/gtest.h>

#include <thread>

namespace h2race {
namespace {

ConnKey key(uint16_t client_port) {
  ConnKey k;
  k.client_addr[15] = 1;
  k.server_addr[15] = 1;
  k.client_port = client_port;
  k.server_port = 443;
  return k;
}

TEST(TruthTable, TakeReturnsWhatWasRecordedOnce) {
  TruthTable t;
  t.record(key(1), "tls_alert:certificate_required");
  EXPECT_EQ(t.take(key(1), std::chrono::milliseconds(0)), "tls_alert:certificate_required");
  EXPECT_FALSE(t.take(key(1), std::chrono::milliseconds(0)));
  EXPECT_EQ(t.size(), 0u);
}

TEST(TruthTable, KeysAreTheWholeTuple) {
  TruthTable t;
  t.record(key(1), "ok");
  EXPECT_FALSE(t.take(key(2), std::chrono::milliseconds(0)));
  EXPECT_EQ(t.take(key(1), std::chrono::milliseconds(0)), "ok");
}

// A record nobody claims (a client that gave up before its connection's key was known) is
// forgotten once it is older than the table's lifetime, so a long run of such iterations keeps
// the table small (`run --timeout-ms 1` grew ~80 bytes per iteration). A newer record on the
// same 4-tuple is kept.
TEST(TruthTable, AnUnclaimedRecordIsForgottenAfterItsLifetime) {
  TruthTable t({}, true, std::chrono::milliseconds(20));
  t.record(key(1), "handshake:EOF");
  t.record(key(2), "handshake:EOF");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  // Each record() forgets what is older than the lifetime at its own time, never itself: one
  // more call here would forget this one too if the machine stalled 20 ms before it.
  t.record(key(2), "tls_alert:certificate_required");  // 4-tuple reused: the new record stays
  EXPECT_EQ(t.size(), 1u);
  EXPECT_FALSE(t.take(key(1), std::chrono::milliseconds(0)));
  EXPECT_EQ(t.take(key(2), std::chrono::milliseconds(0)), "tls_alert:certificate_required");
}

TEST(TruthTable, TakeWaitsForALateRecord) {
  TruthTable t;
  std::thread server([&] { t.record(key(7), "ok"); });
  // The bound is generous; the wait ends as soon as the record lands.
  EXPECT_EQ(t.take(key(7), std::chrono::seconds(30)), "ok");
  server.join();
}
}  // namespace
}  // namespace h2race
