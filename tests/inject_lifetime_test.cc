// The schedule fuzzer's heap corruption (docs/reliability.md): a server thread that accepted a
// connection late used the injection registry while the main thread freed it and installed the
// next one. A connection now keeps the schedule and counters of the scope it began under.
#include <gtest/gtest.h>

#include <latch>
#include <memory>
#include <optional>
#include <thread>

#include "core/inject.h"

namespace h2race {
namespace {

TEST(InjectionLifetime, AConnectionKeepsItsScopesScheduleAfterTheScopeIsGoneAndAnotherIsInstalled) {
  // The first scope's schedule: server.accepted waits for a client point that never comes.
  auto first = std::make_unique<Schedule>();
  Action wait{Action::Kind::kWait, std::chrono::milliseconds(20), Point::kClientConnected};
  first->actions[static_cast<size_t>(Point::kServerAccepted)] = wait;
  std::optional<ScheduleScope> first_scope(std::in_place, *first, std::chrono::seconds(1));

  std::latch begun(1), replaced(1);
  bool failed_own_wait = false;
  std::thread server([&] {
    ConnKey key;
    key.client_port = 40000;
    begin_connection(key, Side::kServer);
    begun.count_down();
    replaced.wait();
    at(Point::kServerAccepted);  // after its scope and schedule were freed
    failed_own_wait = connection_failed();
    end_connection();
  });
  begun.wait();
  first_scope.reset();
  first.reset();          // the caller frees its schedule once its scope is gone
  const Schedule second;  // no action anywhere
  ScheduleScope second_scope(second, std::chrono::seconds(1));
  replaced.count_down();
  server.join();

  // The late point ran the first scope's wait, which expired, and counted it there, not in the
  // scope that happens to be installed now.
  EXPECT_TRUE(failed_own_wait);
  EXPECT_EQ(second_scope.failures(), 0u);
}

}  // namespace
}  // namespace h2race
