// `h2race calibrate`: a model (an in-process profile) and the real program it claims to be, run in
// interleaved batches against one server, so load and server behaviour are the same for both.
#pragma once

#include <cstdint>

#include "core/compare.h"
#include "core/pki.h"
#include "core/run_record.h"
#include "core/scenario.h"
#include "run/iterations.h"

namespace h2race {

struct Calibration {
  RunRecord model;
  RunRecord real;
  double tvd = 0;         // total variation distance between the two class distributions
  Comparison comparison;  // real as the baseline, the model as the current run
};

// model and real differ only in `client`; each gets model.iterations, spread over `batches`
// alternating batches (model first). Stops early when interrupted (both records partial).
Calibration run_calibration(const Scenario& model, const Scenario& real, const Pki& pki,
                            uint64_t batches, double alpha, const DriverHooks& hooks = {});

}  // namespace h2race
