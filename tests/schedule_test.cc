#include <gtest/gtest.h>

#include <variant>

#include "core/inject.h"

namespace h2race {
namespace {

ScheduleError error_of(std::string_view text) {
  auto r = parse_schedule(text, "s.sched");
  EXPECT_TRUE(std::holds_alternative<ScheduleError>(r)) << text;
  return std::holds_alternative<ScheduleError>(r) ? std::get<ScheduleError>(r) : ScheduleError{};
}

Schedule schedule_of(std::string_view text) {
  auto r = parse_schedule(text, "s.sched");
  if (auto* e = std::get_if<ScheduleError>(&r)) ADD_FAILURE() << e->to_string();
  return std::holds_alternative<Schedule>(r) ? std::get<Schedule>(r) : Schedule{};
}

TEST(SchedulePoints, EveryDesignPointHasItsName) {
  for (const char* n :
       {"client.connected", "client.handshake_done", "client.before_preface",
        "client.before_headers", "client.before_read", "server.accepted", "server.cert_verified",
        "server.before_alert", "server.after_alert", "server.before_close"}) {
    const auto p = parse_point(n);
    ASSERT_TRUE(p) << n;
    EXPECT_EQ(point_name(*p), n);
  }
  EXPECT_EQ(point_side(Point::kClientBeforeRead), Side::kClient);
  EXPECT_EQ(point_side(Point::kServerAccepted), Side::kServer);
}

TEST(ScheduleParse, ActionsHeadersAndComments) {
  const Schedule s = schedule_of(
      "# scenario: --client sequential\n"
      "# expect: write:EPIPE\n"
      "\n"
      "client.before_preface wait:server.after_close   # the point of it\n"
      "server.accepted sleep:250us\n"
      "server.before_close yield\n"
      "client.before_read wait:server.after_alert/20ms\n"
      "client.connected sleep:3ms\r\n");
  EXPECT_EQ(s.scenario_flags, "--client sequential");
  EXPECT_EQ(s.expect, "write:EPIPE");
  const auto& w = s.actions[static_cast<size_t>(Point::kClientBeforePreface)];
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind, Action::Kind::kWait);
  EXPECT_EQ(w->target, Point::kServerAfterClose);
  EXPECT_EQ(w->duration, kDefaultWaitBound);
  EXPECT_EQ(s.actions[static_cast<size_t>(Point::kServerAccepted)]->duration.count(), 250);
  EXPECT_EQ(s.actions[static_cast<size_t>(Point::kServerBeforeClose)]->kind, Action::Kind::kYield);
  EXPECT_EQ(s.actions[static_cast<size_t>(Point::kClientBeforeRead)]->duration.count(), 20000);
  EXPECT_EQ(s.actions[static_cast<size_t>(Point::kClientConnected)]->duration.count(), 3000);
}

TEST(ScheduleParse, FormatParsesBackToTheSameSchedule) {
  const Schedule s = schedule_of(
      "# scenario: --proto h2\n# expect: ok\nclient.before_headers wait:server.after_close/2ms\n"
      "server.accepted sleep:7us\nserver.after_alert yield\n");
  const Schedule back = schedule_of(s.format());
  EXPECT_EQ(back.format(), s.format());
  EXPECT_NE(s.format().find("wait:server.after_close/2ms"), std::string::npos) << s.format();
}

TEST(ScheduleParse, UnknownPointNamesFileLineColumn) {
  const auto e = error_of("# c\n  client.bfore_read yield\n");
  EXPECT_EQ(e.to_string().rfind("s.sched:2:3: unknown injection point 'client.bfore_read'", 0), 0u)
      << e.to_string();
}

TEST(ScheduleParse, UnknownAction) {
  const auto e = error_of("client.before_read snooze:5us\n");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 20);
  EXPECT_NE(e.message.find("unknown action 'snooze:5us'"), std::string::npos);
}

TEST(ScheduleParse, BadNumbers) {
  for (const char* bad : {"sleep:abcus", "sleep:5", "sleep:-5us", "sleep:99999999999us", "sleep:us",
                          "sleep:61000ms"}) {
    const auto e = error_of(std::string("server.accepted ") + bad + "\n");
    EXPECT_EQ(e.column, 23) << bad << ": " << e.to_string();
    EXPECT_NE(e.message.find("bad duration"), std::string::npos) << e.message;
  }
  const auto w = error_of("client.before_read wait:server.after_close/0ms\n");
  EXPECT_NE(w.message.find("bad wait bound"), std::string::npos) << w.message;
  EXPECT_EQ(w.column, 44);
}

TEST(ScheduleParse, WaitOnOwnSide) {
  const auto e = error_of("client.before_read wait:client.connected\n");
  EXPECT_EQ(e.column, 25);
  EXPECT_NE(e.message.find("own side"), std::string::npos) << e.message;
  EXPECT_NE(error_of("server.accepted wait:server.after_close\n").message.find("own side"),
            std::string::npos);
}

TEST(ScheduleParse, WaitOnUnknownPoint) {
  const auto e = error_of("client.before_read wait:server.never\n");
  EXPECT_EQ(e.column, 25);
  EXPECT_NE(e.message.find("server.never"), std::string::npos);
}

TEST(ScheduleParse, MissingActionDuplicatePointTrailingJunk) {
  EXPECT_NE(error_of("client.before_read\n").message.find("no action"), std::string::npos);
  const auto dup = error_of("server.accepted yield\nserver.accepted sleep:1us\n");
  EXPECT_EQ(dup.line, 2);
  EXPECT_NE(dup.message.find("line 1"), std::string::npos) << dup.message;
  EXPECT_EQ(error_of("server.accepted yield now\n").column, 23);
}

TEST(ScheduleParse, ExpectMustBeAClassH2raceReports) {
  // A typo used to pass the parse, and replay then called a stable reproducer "not the expected".
  const auto e =
      error_of("# scenario: --client go\n#  expect:  write:EPIEP\nserver.accepted yield\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 13);
  EXPECT_NE(e.message.find("'write:EPIEP' is not a class h2race reports"), std::string::npos)
      << e.message;
  EXPECT_NE(error_of("# expect:\n").message.find("'' is not a class"), std::string::npos);
  EXPECT_EQ(schedule_of("# expect: h2:no_connection\n").expect, "h2:no_connection");
}

TEST(ScheduleParse, EmptyAndBinaryInputAreErrors) {
  EXPECT_NE(error_of("").message.find("empty"), std::string::npos);
  EXPECT_NE(error_of("  \n\n").message.find("empty"), std::string::npos);
  EXPECT_NE(error_of(std::string_view("server.accepted\0yield", 21)).message.find("binary"),
            std::string::npos);
}

TEST(ScheduleParse, CommentsAndHeadersOnlyIsAnEmptySchedule) {
  const Schedule s = schedule_of("# scenario: --proto h1\n# nothing else\n");
  EXPECT_TRUE(s.empty());
}

TEST(ScheduleLoad, MissingFileIsAnErrorNamingIt) {
  auto r = load_schedule("/nonexistent/x.sched");
  ASSERT_TRUE(std::holds_alternative<ScheduleError>(r));
  EXPECT_NE(std::get<ScheduleError>(r).to_string().find("/nonexistent/x.sched"), std::string::npos);
}

TEST(Injection, WithoutScheduleAtIsANoOp) {
  at(Point::kClientBeforeRead);  // must not block, crash, or need a connection
  SUCCEED();
}

TEST(Injection, WaitExpiringIsCountedAsAScheduleFailure) {
  const Schedule s = schedule_of("client.before_read wait:server.after_close/1ms\n");
  ScheduleScope scope(s);
  ConnKey k;
  k.client_port = 1;
  begin_connection(k, Side::kClient);
  at(Point::kClientBeforeRead);  // no server ever reaches after_close
  EXPECT_TRUE(connection_failed());
  end_connection();
  EXPECT_EQ(scope.failures(), 1u);
  EXPECT_NE(scope.first_failure().find("client.before_read wait:server.after_close"),
            std::string::npos)
      << scope.first_failure();
}

TEST(Injection, WaitReturnsOnceTheOtherSideReachedThePoint) {
  const Schedule s = schedule_of("client.before_read wait:server.after_close/60000ms\n");
  ScheduleScope scope(s);
  ConnKey k;
  k.client_port = 2;
  std::thread server([&] {
    begin_connection(k, Side::kServer);
    at(Point::kServerAfterClose);
    end_connection();
  });
  begin_connection(k, Side::kClient);
  at(Point::kClientBeforeRead);
  EXPECT_FALSE(connection_failed());
  end_connection();
  server.join();
  EXPECT_EQ(scope.failures(), 0u);
}

TEST(Injection, WaitEndsWhenTheOtherSideFinishesWithoutReachingThePoint) {
  // The bound is a minute: this test only completes because the wait notices the other side
  // ended its connection without ever reaching server.cert_verified.
  const Schedule s = schedule_of("client.before_read wait:server.cert_verified/60000ms\n");
  ScheduleScope scope(s);
  ConnKey k;
  k.client_port = 3;
  begin_connection(k, Side::kClient);
  std::thread server([&] {
    begin_connection(k, Side::kServer);
    at(Point::kServerAfterClose);
    end_connection();
  });
  at(Point::kClientBeforeRead);
  server.join();
  EXPECT_TRUE(connection_failed());
  end_connection();
  EXPECT_NE(scope.first_failure().find("finished without reaching server.cert_verified"),
            std::string::npos)
      << scope.first_failure();
}

}  // namespace
}  // namespace h2race
