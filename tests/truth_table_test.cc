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

TEST(TruthTable, TakeWaitsForALateRecord) {
  TruthTable t;
  std::thread server([&] { t.record(key(7), "ok"); });
  // The bound is generous; the wait ends as soon as the record lands.
  EXPECT_EQ(t.take(key(7), std::chrono::seconds(30)), "ok");
  server.join();
}
}  // namespace
}  // namespace h2race
