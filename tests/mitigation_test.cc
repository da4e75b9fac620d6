// The two fixes, made deterministic with the reproducer schedules: under a schedule that makes
// the go profile report a wrong class, prefer-alert reports the alert; under linger, the schedule
// that yields write:EPIPE no longer does.
#include <gtest/gtest.h>

#include <variant>

#include "core/inject.h"
#include "harness/driver.h"

namespace h2race {
namespace {

const Pki& pki() {
  static const Pki p(KeyType::kEd25519);
  return p;
}

Schedule reproducer(const std::string& cls) {
  auto r = load_schedule(std::string(H2RACE_REPRODUCERS) + "/" + cls + ".sched");
  if (auto* e = std::get_if<ScheduleError>(&r)) ADD_FAILURE() << e->to_string();
  return std::holds_alternative<Schedule>(r) ? std::get<Schedule>(r) : Schedule{};
}

RunRecord replay(const Schedule& s, std::string_view client, ServerClose close) {
  Scenario sc;
  sc.iterations = 20;
  sc.jobs = 1;
  sc.client = client;
  sc.server_close = close;
  return run_scenario(plan_run(sc, {.schedule = s}), pki());
}

constexpr const char* kAlert = "tls_alert:certificate_required";

TEST(PreferAlert, ReportsTheAlertWhereGoReportsWriteEconnreset) {
  const Schedule s = reproducer("write:ECONNRESET");
  EXPECT_GE(replay(s, "go", ServerClose::kImmediate).histogram.count("write:ECONNRESET"), 19u);
  const RunRecord fixed = replay(s, "prefer-alert", ServerClose::kImmediate);
  EXPECT_EQ(fixed.schedule_failures, 0u) << fixed.first_schedule_failure;
  EXPECT_GE(fixed.histogram.count(kAlert), 19u);
  EXPECT_GE(fixed.histogram.grace().iterations, 19u);  // it had to wait for the alert
}

TEST(PreferAlert, ReportsTheAlertWhereGoReportsNoConnection) {
  const Schedule s = reproducer("h2:no_connection");
  EXPECT_GE(replay(s, "prefer-alert", ServerClose::kImmediate).histogram.count(kAlert), 19u);
}

TEST(Linger, WriteEpipeScheduleNoLongerYieldsEpipe) {
  const Schedule s = reproducer("write:EPIPE");
  EXPECT_GE(replay(s, "sequential", ServerClose::kImmediate).histogram.count("write:EPIPE"), 19u);
  const RunRecord lingered = replay(s, "sequential", ServerClose::kLinger);
  EXPECT_EQ(lingered.histogram.count("write:EPIPE"), 0u);
  EXPECT_GE(lingered.histogram.count(kAlert), 19u);
}

TEST(Linger, WriteEconnresetScheduleNoLongerYieldsAWriteError) {
  const RunRecord r = replay(reproducer("write:ECONNRESET"), "go", ServerClose::kLinger);
  EXPECT_EQ(r.histogram.count("write:ECONNRESET") + r.histogram.count("write:EPIPE"), 0u);
  EXPECT_GE(r.histogram.count(kAlert), 19u);
}

TEST(Reset, ForcesWriteEconnresetOnTheFirstWriteAfterTheClose) {
  // The server resets the connection before the client writes its preface.
  const auto parsed = parse_schedule("client.before_preface wait:server.after_close\n", "inline");
  const RunRecord r = replay(std::get<Schedule>(parsed), "sequential", ServerClose::kReset);
  EXPECT_GE(r.histogram.count("write:ECONNRESET"), 19u);
  EXPECT_EQ(r.histogram.truth().at(kAlert), 20u);
}

}  // namespace
}  // namespace h2race
