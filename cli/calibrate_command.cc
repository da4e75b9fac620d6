// `h2race calibrate`: a model and the real program it models, same server, one run; their
// histograms side by side (share and Wilson interval per class), the homogeneity test and the
// total variation distance (TVD). Measured, not gated: it exits 0 whatever the distance.
#include <fmt/format.h>


#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/user_files.h"
#include "clients/client_kinds.h"
#include "core/interrupt.h"
#include "core/pki.h"
#include "run/calibrate.h"

namespace h2race::cli {
namespace {

Scenario with_client(const Scenario& base, const std::string& flag, const std::string& client) {
  Scenario s = base;
  s.client = client;
  if (auto error = resolve_client(s, /*client_given=*/true, /*proto_given=*/true)) {
    throw UsageError(fmt::format("{} {}: {}", flag, client, *error));
  }
  return s;
}

std::string redial_line(const char* who, const Histogram& h) {
  if (h.redials().iterations == 0) return "";
  return fmt::format("{}: {} of {} requests redialled ({:.2f}%), {} connections dropped\n", who,
                     h.redials().iterations, h.iterations(),
                     100.0 * double(h.redials().iterations) / double(h.iterations()),
                     h.redials().connections);
}

}  // namespace

int calibrate_command(CalibrateFlags& f) {
  const Scenario model = with_client(f.scenario, "--model", f.model);
  const Scenario real = with_client(f.scenario, "--against", f.against);
  if (!find_client(model.client)->run) {
    throw UsageError(fmt::format("--model {}: not an in-process profile", f.model));
  }
  if (!find_client(real.client)->program) {
    throw UsageError(fmt::format("--against {}: not an external program", f.against));
  }
  if (f.scenario.fresh_server) throw UsageError("--fresh-server: calibrate shares one server");
  check_external_program(real);
  if (!f.json_path.empty()) check_output_path("--json", f.json_path);

  install_interrupt_handlers();
  const Pki pki(model.key_type);
  std::atomic<uint64_t> done{0};
  Calibration c;
  {
    Progress progress(done, 2 * model.iterations);
    DriverHooks hooks;
    hooks.done = &done;
    c = run_calibration(model, real, pki, f.batches, f.alpha, hooks);
  }
  print_stdout(
      fmt::format("calibrate {} against {}: {} iterations each in {} interleaved batches, one "
                  "server ({})\nbaseline = {} (real), current = {} (model)\n\n",
                  model.client, real.client, model.iterations, f.batches, model.id(), real.client,
                  model.client) +
      text_table(c.comparison) + "\n" + redial_line("model", c.model.histogram) +
      redial_line("real", c.real.histogram) + fmt::format("TVD {:.4f}\n", c.tvd));
  if (!f.json_path.empty()) {
    const nlohmann::json j = {{"schema", "h2race/calibration/1"},
                              {"model", to_json(c.model)},
                              {"real", to_json(c.real)},
                              {"tvd", c.tvd},
                              {"comparison", to_json(c.comparison)}};
    write_output("--json", f.json_path, j.dump(2) + "\n");
  }
  if ((c.model.partial || c.real.partial) && interrupted()) return interrupt_exit_code();
  return 0;
}

}  // namespace h2race::cli
