// A schedule fuzzer finding names every setting that shapes the race in its "# scenario:" header;
// `h2race replay` must read back exactly the scenario that ran.
#include "cli/replay_input.h"

#include <gtest/gtest.h>

#include "cli/commands.h"

namespace h2race::cli {
namespace {

Scenario read_back(const Scenario& s) {
  Scenario back;
  parse_scenario_text(scenario_flags_text(s), back, "test header");
  return back;
}

TEST(ReplayInput, TheHeaderOfAFindingReadsBackToTheScenarioThatRan) {
  for (const char* client : {"go", "go1.19", "sequential", "h1", "prefer-alert"}) {
    Scenario s;
    s.client = client;
    s.client_cert = ClientCert::kExpired;
    s.server_close = ServerClose::kLinger;
    s.linger = std::chrono::milliseconds(250);
    s.server_read = ServerRead::kRecord;
    s.key_type = KeyType::kP256;
    s.tls = TlsVersion::k12;
    s.timeout = std::chrono::milliseconds(1500);
    s.jobs = 1;
    ASSERT_FALSE(resolve_client(s, /*client_given=*/true, /*proto_given=*/false)) << client;
    if (s.go_timing) {
      s.go_timing->off_cpu = std::chrono::microseconds(7);
      s.slow_request = std::chrono::microseconds(12);  // only the go models can be slowed
    }
    const Scenario back = read_back(s);
    EXPECT_EQ(back.to_json(), s.to_json()) << client << ": " << scenario_flags_text(s);
    EXPECT_EQ(back.timeout, s.timeout) << client;
    EXPECT_EQ(back.linger, s.linger) << client;
    EXPECT_EQ(back.alert_grace, s.alert_grace) << client;
    EXPECT_EQ(back.go_timing, s.go_timing) << client;
    EXPECT_EQ(back.slow_request, s.slow_request) << client;
  }
}

TEST(ReplayInput, AFindingsFileIsResolvedOnceIntoAPlanOfOneConnectionAtATime) {
  const ReplayInput in = parse_replay(
      "# scenario: --client go1.19 --jobs 4\nclient.before_preface wait:server.after_close\n",
      "f.sched");
  EXPECT_EQ(in.plan.kind->name, "go1.19");
  EXPECT_EQ(in.plan.jobs, 1);
  EXPECT_TRUE(in.schedule().has_waits());
}

}  // namespace
}  // namespace h2race::cli
