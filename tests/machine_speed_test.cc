// The go models' CPU work is measured in the fit machine's microseconds and scaled by this
// machine's speed (clients/go_runtime.h): a histogram says which scale it ran with, and a step
// of Go's work costs its thread that much CPU time whatever else runs meanwhile.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "clients/client_kinds.h"
#include "clients/go_runtime.h"
#include "harness/driver.h"

namespace h2race {
namespace {

const Pki& pki() {
  static const Pki p(KeyType::kEd25519);
  return p;
}

TEST(MachineSpeed, GoModelRunRecordsTheScaleItRanWith) {
  Scenario s;
  s.iterations = 20;
  s.client = "go";
  ASSERT_FALSE(resolve_client(s, /*client_given=*/true, /*proto_given=*/false));  // go_timing
  const nlohmann::json env = run_scenario(plan_run(s), pki()).env;
  ASSERT_TRUE(env.contains("go_model_speed")) << env.dump();
  const auto& speed = env["go_model_speed"];
  EXPECT_EQ(speed["at_fit_ns"].get<int64_t>(), kReferenceAtFit.count());
  EXPECT_GT(speed["reference_ns"].get<int64_t>(), 0);
  EXPECT_NEAR(speed["factor"].get<double>(),
              double(speed["reference_ns"].get<int64_t>()) / double(kReferenceAtFit.count()), 1e-6);
  // The same process measures once: the run's figure is the one every step used.
  EXPECT_EQ(speed["reference_ns"].get<int64_t>(), machine_speed().reference.count());
}

TEST(MachineSpeed, ProfilesWithoutGoTimingRecordNoScale) {
  Scenario s;
  s.iterations = 20;
  s.client = "sequential";
  EXPECT_FALSE(run_scenario(plan_run(s), pki()).env.contains("go_model_speed"));
}

TEST(MachineSpeed, CpuWorkIsAFixedAmountOfTheYardsticksWork) {
  // The model's CPU work is counted in the yardstick's steps, the same on every machine: what took
  // d at the fit. A slower machine takes longer for it; that is the point.
  EXPECT_EQ(work_steps(std::chrono::microseconds(0)), 0);
  EXPECT_EQ(work_steps(std::chrono::microseconds(-5)), 0);
  EXPECT_EQ(work_steps(std::chrono::duration_cast<std::chrono::microseconds>(kReferenceAtFit)),
            kReferenceSteps);
  EXPECT_EQ(work_steps(std::chrono::microseconds(2000)),
            2 * work_steps(std::chrono::microseconds(1000)));
}

TEST(MachineSpeed, SpinningIsTheThreadsOwnWork) {
  // Work, not wall time: with more spinning threads than this machine has cores (two here), each
  // thread still spends its own CPU on it. The bound is loose on purpose: the steps cannot run
  // much faster than the fastest round the yardstick measured (half of that time, at the least).
  const auto d = std::chrono::microseconds(3000);
  auto spin_and_measure = [d] {
    const auto start = thread_cpu_time();
    spin_for(d);
    return thread_cpu_time() - start;
  };
  std::chrono::nanoseconds used[3]{};
  {
    std::jthread a([&] { used[0] = spin_and_measure(); });
    std::jthread b([&] { used[1] = spin_and_measure(); });
    std::jthread c([&] { used[2] = spin_and_measure(); });
  }
  // d's steps take about d times the measured factor of CPU time on this machine.
  const auto scaled = std::chrono::nanoseconds(
      static_cast<int64_t>(double(std::chrono::nanoseconds(d).count()) * machine_speed().factor));
  for (const auto u : used) EXPECT_GE(u, scaled / 2);
}

}  // namespace
}  // namespace h2race
