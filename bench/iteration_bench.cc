// BM_Iteration/<client>/<key>: full h2race iterations through the driver (TCP over loopback,
// the in-process server, truth matching), in batches of 2,000 with jobs = cores (so server start-up
// is amortised), reported as iterations per second.
#include <benchmark/benchmark.h>

#include <thread>

#include "harness/driver.h"

namespace h2race {
namespace {

void BM_Iteration(benchmark::State& state) {
  const auto client = static_cast<ClientKind>(state.range(0));
  const auto key = static_cast<KeyType>(state.range(1));
  const Pki pki(key);
  Scenario s;
  s.client = client;
  if (client == ClientKind::kH1) s.proto = Proto::kH1;
  s.key_type = key;
  s.iterations = 2000;
  s.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (auto _ : state) {
    const RunRecord run = run_scenario(s, pki);
    benchmark::DoNotOptimize(run.histogram.iterations());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(s.iterations));
  state.SetLabel(std::string(name(client)) + "/" + std::string(name(key)));
}
BENCHMARK(BM_Iteration)
    ->ArgNames({"client", "key"})
    ->Args({static_cast<int>(ClientKind::kGo), static_cast<int>(KeyType::kEd25519)})
    ->Args({static_cast<int>(ClientKind::kSequential), static_cast<int>(KeyType::kEd25519)})
    ->Args({static_cast<int>(ClientKind::kH1), static_cast<int>(KeyType::kEd25519)})
    ->Args({static_cast<int>(ClientKind::kGo), static_cast<int>(KeyType::kP256)})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace h2race
