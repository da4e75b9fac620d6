// --explain: each reproducer's timeline holds the events that define its class, in order. The
// schedules fix the order, so these hold on every run.
#include <gtest/gtest.h>

#include <variant>

#include "core/inject.h"
#include "harness/driver.h"

namespace h2race {
namespace {

struct Step {
  Side side;
  std::string event;
  std::string detail_has;  // a part of the detail ("" = any)
};

// (A point is recorded when reached, before its schedule's wait.)
// The index of each step's event, each after the previous one; fails naming the first missing.
void expect_in_order(const Timeline& t, const std::vector<Step>& steps) {
  size_t from = 0;
  for (const Step& s : steps) {
    size_t i = from;
    while (i < t.size() && !(t[i].side == s.side && t[i].event == s.event &&
                             t[i].detail.find(s.detail_has) != std::string::npos)) {
      ++i;
    }
    ASSERT_LT(i, t.size()) << "no " << s.event << " '" << s.detail_has << "' after event " << from
                           << ":\n"
                           << format_timeline(t);
    from = i + 1;
  }
}

Example explained(const std::string& cls) {
  static const Pki pki(KeyType::kEd25519);
  auto parsed = load_schedule(std::string(H2RACE_REPRODUCERS) + "/" + cls + ".sched");
  EXPECT_TRUE(std::holds_alternative<Schedule>(parsed));
  const Schedule& sched = std::get<Schedule>(parsed);
  Scenario sc;
  sc.iterations = 3;
  sc.jobs = 1;
  // The reproducers name their client in "# scenario: --proto h2 --client C".
  const auto at = sched.scenario_flags.find("--client ");
  sc.client = at == std::string::npos ? "go" : sched.scenario_flags.substr(at + 9);
  sc.client = sc.client.substr(0, sc.client.find(' '));
  DriverHooks hooks;
  hooks.explain = true;
  const RunRecord r = run_scenario(plan_run(sc, {.schedule = sched}), pki, hooks);
  EXPECT_EQ(r.schedule_failures, 0u) << r.first_schedule_failure;
  EXPECT_EQ(r.histogram.count(cls), 3u);
  EXPECT_EQ(r.examples.size(), 1u);
  return r.examples.count(cls) ? r.examples.at(cls) : Example{};
}

constexpr Side kC = Side::kClient;
constexpr Side kS = Side::kServer;

TEST(Explain, EpipeIsAWriteAfterTheFinThatDrewTheRst) {
  // FIN with nothing unread, the preface written into the closed connection (drawing the RST),
  // then the HEADERS write fails.
  expect_in_order(explained("write:EPIPE").events, {{kS, "server.after_alert", ""},
                                                    {kS, "close", "FIN"},
                                                    {kC, "write", "ok"},
                                                    {kC, "write", "write:EPIPE"},
                                                    {kC, "abort", "first abort"}});
}

TEST(Explain, EconnresetIsAWriteAfterAnRstForUnreadBytes) {
  expect_in_order(explained("write:ECONNRESET").events,
                  {{kC, "write", "ok"},  // the preface, before the server judged the flight
                   {kS, "close", "RST:"},
                   {kC, "write", "write:ECONNRESET"},
                   {kC, "abort", "first abort"}});
}

TEST(Explain, NoConnectionIsTheAlertReadBeforeTheRequestTookTheConnection) {
  expect_in_order(explained("h2:no_connection").events,
                  {{kS, "close", ""},
                   {kC, "client.conn_reserved", ""},
                   {kC, "read", "tls_alert:certificate_required"},
                   {kC, "closed", "no stream has an ID yet"},
                   {kC, "stream", "gets no ID"}});
}

TEST(Explain, AlertIsTheReadLoopAbortingFirst) {
  // Both writes succeed and the client waits before the server sends its alert; the read loop
  // reads it and aborts the stream first.
  const Timeline t = explained("tls_alert:certificate_required").events;
  expect_in_order(t, {{kC, "write", "ok"},
                      {kC, "write", "ok"},
                      {kC, "client.before_read", ""},
                      {kS, "server.after_alert", ""}});
  expect_in_order(t, {{kC, "client.before_read", ""},
                      {kC, "read", "tls_alert:certificate_required"},
                      {kC, "abort", "tls_alert:certificate_required: the first abort"}});
}

TEST(Explain, WithoutExplainNothingIsKept) {
  static const Pki pki(KeyType::kEd25519);
  Scenario sc;
  sc.iterations = 5;
  sc.jobs = 1;
  EXPECT_TRUE(run_scenario(plan_run(sc), pki).examples.empty());
}

}  // namespace
}  // namespace h2race
