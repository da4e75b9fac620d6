#include "run/calibrate.h"

#include <algorithm>

#include "core/interrupt.h"
#include "run/driver.h"

namespace h2race {
Calibration run_calibration(const Scenario& model, const Scenario& real, const Pki& pki,
                            uint64_t batches, double alpha, const DriverHooks& hooks) {
  Calibration c;
  c.model.scenario = model;
  c.real.scenario = real;
  SharedServer server(model, pki, std::max(model.jobs, real.jobs));
  batches = std::clamp<uint64_t>(batches, 1, model.iterations);
  for (uint64_t b = 0; b < batches && !interrupted(); ++b) {
    // Batch b's share of the iterations: the first (iterations % batches) batches take one more.
    const uint64_t n = model.iterations / batches + (b < model.iterations % batches ? 1 : 0);
    for (auto [scenario, record] : {std::pair{&model, &c.model}, std::pair{&real, &c.real}}) {
      Scenario part = *scenario;
      part.iterations = n;
      absorb(*record, run_scenario_on(part, pki, server, hooks));
    }
  }
  c.model.partial = c.model.partial || c.model.histogram.iterations() < model.iterations;
  c.real.partial = c.real.partial || c.real.histogram.iterations() < real.iterations;
  c.tvd = total_variation(c.real.histogram, c.model.histogram);
  c.comparison = compare_histograms(c.real.histogram, c.model.histogram, alpha);
  return c;
}

}  // namespace h2race
