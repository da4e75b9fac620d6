#include "harness/calibrate.h"

#include <algorithm>
#include <optional>

#include "core/inject.h"
#include "core/interrupt.h"
#include "harness/driver.h"

namespace h2race {
namespace {

// Runs every scenario's iterations in `batches` rounds, one batch of each per round in the
// given order, against one server. Returns each scenario's batches in order.
std::vector<std::vector<RunRecord>> run_interleaved(std::span<const RunPlan> plans, const Pki& pki,
                                                    uint64_t batches, const DriverHooks& hooks) {
  int jobs = 1;
  for (const RunPlan& p : plans) jobs = std::max(jobs, p.jobs);
  const Scenario& first = plans.front().scenario;
  const uint64_t iterations = first.iterations;
  // --explain records through an empty schedule for the whole run. Declared before the server,
  // so the server's threads are gone before the recording stops.
  const RecordingScope recording(nullptr, hooks.explain, first.timeout);
  SharedServer server(first, pki, jobs);
  batches = std::clamp<uint64_t>(batches, 1, iterations);
  std::vector<std::vector<RunRecord>> out(plans.size());
  uint64_t done = 0;  // iterations of each scenario before batch b
  for (uint64_t b = 0; b < batches && !interrupted(); ++b) {
    // Batch b's share of the iterations: the first (iterations % batches) batches take one more.
    const uint64_t n = iterations / batches + (b < iterations % batches ? 1 : 0);
    for (size_t i = 0; i < plans.size() && !interrupted(); ++i) {
      RunPlan part = plans[i];
      part.scenario.iterations = n;
      // Only an in-process client's connections can be explained: a program's client side is
      // another process.
      DriverHooks part_hooks = hooks;
      part_hooks.explain = hooks.explain && part.kind->run;
      part_hooks.log_place = {part.scenario.client, static_cast<int64_t>(b), done};
      out[i].push_back(run_scenario_on(part, pki, server, part_hooks));
      // An example's iteration counts from the batch's start; the user counts from the run's.
      for (auto& [cls, ex] : out[i].back().examples) ex.iteration += done;
    }
    done += n;
  }
  return out;
}

// The batches first, first + step, ... of one scenario as one record (partial when short).
RunRecord total(const Scenario& s, const std::vector<RunRecord>& batches, size_t first = 0,
                size_t step = 1) {
  RunRecord r;
  r.scenario = s;
  for (size_t b = first; b < batches.size(); b += step) absorb(r, batches[b]);
  r.partial = r.partial || (step == 1 && r.histogram.iterations() < s.iterations);
  return r;
}

}  // namespace

Calibration run_calibration(const RunPlan& model, const RunPlan& real, const Pki& pki,
                            uint64_t batches, double alpha, const DriverHooks& hooks) {
  const RunPlan plans[] = {model, real};
  const auto runs = run_interleaved(plans, pki, batches, hooks);
  Calibration c;
  c.model = total(model.scenario, runs[0]);
  c.real = total(real.scenario, runs[1]);
  c.tvd = total_variation(c.real.histogram, c.model.histogram);
  c.real_self_tvd = total_variation(total(real.scenario, runs[1], 0, 2).histogram,
                                    total(real.scenario, runs[1], 1, 2).histogram);
  c.comparison = compare_histograms(c.real.histogram, c.model.histogram, alpha);
  for (const auto& r : runs[0]) c.model_batches.push_back(r.histogram);
  for (const auto& r : runs[1]) c.real_batches.push_back(r.histogram);
  return c;
}

Fit run_fit(const RunPlan& model, const RunPlan& real, const Pki& pki, uint64_t batches,
            std::span<const Scenario::GoTiming> grid, const DriverHooks& hooks) {
  std::vector<RunPlan> plans{real};
  for (const auto& timing : grid) {
    plans.push_back(model);
    plans.back().scenario.go_timing = timing;
  }
  const auto runs = run_interleaved(plans, pki, batches, hooks);
  Fit fit;
  fit.real = total(real.scenario, runs[0]);
  fit.real_self_tvd = total_variation(total(real.scenario, runs[0], 0, 2).histogram,
                                      total(real.scenario, runs[0], 1, 2).histogram);
  for (size_t i = 0; i < grid.size(); ++i) {
    FitCandidate c{grid[i], total(plans[i + 1].scenario, runs[i + 1]), 0};
    c.tvd = total_variation(fit.real.histogram, c.model.histogram);
    if (c.tvd < (fit.candidates.empty() ? 2.0 : fit.candidates[fit.best].tvd)) {
      fit.best = fit.candidates.size();
    }
    fit.candidates.push_back(std::move(c));
  }
  return fit;
}

}  // namespace h2race
