// `h2race calibrate`: a model (an in-process profile) and the real program it claims to be, run in
// interleaved batches against one server, so load and server behaviour are the same for both.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "analysis/compare.h"
#include "core/pki.h"
#include "core/run_record.h"
#include "core/scenario.h"
#include "harness/iterations.h"
#include "harness/run_plan.h"

namespace h2race {

struct Calibration {
  RunRecord model;
  RunRecord real;
  double tvd = 0;         // total variation distance between the two class distributions
  Comparison comparison;  // real as the baseline, the model as the current run
  // The real program against itself: TVD between its even and its odd batches. The distance a
  // perfect model could still show (the program's own drift and sampling noise).
  double real_self_tvd = 0;
  // Each side's batches in order (analysis/batch_spread.h: how much a share drifts within the run).
  std::vector<Histogram> model_batches, real_batches;
};

// model and real differ only in `client`; each gets model.iterations, spread over `batches`
// alternating batches (model first). Stops early when interrupted (both records partial).
Calibration run_calibration(const RunPlan& model, const RunPlan& real, const Pki& pki,
                            uint64_t batches, double alpha, const DriverHooks& hooks = {});

// `calibrate --fit`: the go models' timing parameters (Scenario::go_timing) searched on a grid.
// Every candidate runs in the same interleaved batches as the real program, so each meets the
// same load; the best is the one with the smallest TVD to the real histogram.
struct FitCandidate {
  Scenario::GoTiming timing;
  RunRecord model;
  double tvd = 0;
};
struct Fit {
  RunRecord real;
  std::vector<FitCandidate> candidates;  // in grid order
  size_t best = 0;                       // index into candidates
  double real_self_tvd = 0;              // as in Calibration
};
Fit run_fit(const RunPlan& model, const RunPlan& real, const Pki& pki, uint64_t batches,
            std::span<const Scenario::GoTiming> grid, const DriverHooks& hooks = {});

}  // namespace h2race
