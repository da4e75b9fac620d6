// The go models end their handshake flight the way Go's crypto/tls does for a server that reads
// one TLS record at a time: such a server, failing on the client's Certificate, finds a record
// still unread and closes with an RST (Go's Finished; the model's trailing KeyUpdate), where it
// reads BoringSSL's packed flight whole and closes with a FIN. Made deterministic with the
// write:EPIPE reproducer, whose preface is written only after the server closed.
#include <gtest/gtest.h>

#include <variant>

#include "core/inject.h"
#include "harness/driver.h"

namespace h2race {
namespace {

RunRecord after_close(std::string_view client, ServerRead read) {
  static const Pki pki(KeyType::kEd25519);
  auto parsed = load_schedule(std::string(H2RACE_REPRODUCERS) + "/write:EPIPE.sched");
  EXPECT_TRUE(std::holds_alternative<Schedule>(parsed));
  Scenario sc;
  sc.iterations = 20;
  sc.jobs = 1;
  sc.client = client;
  sc.server_read = read;
  return run_scenario(plan_run(sc, {.schedule = std::get<Schedule>(parsed)}), pki);
}

TEST(GoFlight, RecordByRecordServerResetsAGoModelConnection) {
  // As real Go 1.19 does here: the preface write meets the RST (see docs/go-model.md).
  const RunRecord r = after_close("go1.19", ServerRead::kRecord);
  EXPECT_EQ(r.schedule_failures, 0u) << r.first_schedule_failure;
  EXPECT_GE(r.histogram.count("write:ECONNRESET"), 19u);
  EXPECT_EQ(r.histogram.count("write:EPIPE"), 0u);
}

TEST(GoFlight, RecordByRecordServerClosesABoringSslFlightWithFin) {
  // The sequential profile sends BoringSSL's flight as is: FIN, the preface draws the RST, and
  // the next write is EPIPE.
  const RunRecord r = after_close("sequential", ServerRead::kRecord);
  EXPECT_EQ(r.schedule_failures, 0u) << r.first_schedule_failure;
  EXPECT_GE(r.histogram.count("write:EPIPE"), 19u);
}

TEST(GoFlight, ServerThatReadsAheadTakesTheTrailingRecordToo) {
  // The record follows the flight in one segment, so a read-ahead server consumes it: FIN, and
  // EPIPE as with Go.
  const RunRecord r = after_close("go1.19", ServerRead::kAhead);
  EXPECT_GE(r.histogram.count("write:EPIPE"), 19u);
}

}  // namespace
}  // namespace h2race
