// BM_Iteration/<client>/<key>: full h2race iterations through the driver (TCP over loopback,
// the in-process server, truth matching), in batches of 2,000 with jobs = cores (so server start-up
// is amortised), reported as iterations per second.
#include <benchmark/benchmark.h>

#include <string>
#include <thread>
#include <utility>

#include "clients/client_kinds.h"
#include "harness/driver.h"

namespace h2race {
namespace {

void BM_Iteration(benchmark::State& state, std::string_view client, KeyType key) {
  const Pki pki(key);
  Scenario s;
  s.client = client;
  s.key_type = key;
  resolve_client(s, /*client_given=*/true, /*proto_given=*/false);
  s.iterations = 2000;
  s.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (auto _ : state) {
    const RunRecord run = run_scenario(plan_run(s), pki);
    benchmark::DoNotOptimize(run.histogram.iterations());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(s.iterations));
}

// Named BM_Iteration/<client>/<key> so that --benchmark_filter takes the names.
[[maybe_unused]] const bool kRegistered = [] {
  const std::pair<std::string_view, KeyType> cases[] = {{"go", KeyType::kEd25519},
                                                        {"sequential", KeyType::kEd25519},
                                                        {"h1", KeyType::kEd25519},
                                                        {"go", KeyType::kP256}};
  for (const auto& [client, key] : cases) {
    const std::string bench = "BM_Iteration/" + std::string(client) + "/" + std::string(name(key));
    benchmark::RegisterBenchmark(bench.c_str(), BM_Iteration, client, key)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  return true;
}();

}  // namespace
}  // namespace h2race
