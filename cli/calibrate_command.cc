// `h2race calibrate`: a model and the real program it models, same server, one run; their
// histograms side by side (share and Wilson interval per class), the homogeneity test and the
// total variation distance (TVD). Measured, not gated: it exits 0 whatever the distance.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

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

std::string share(const Histogram& h, const std::string& cls) {
  return fmt::format("{:.1f}%",
                     100.0 * double(h.count(cls)) / double(std::max<uint64_t>(1, h.iterations())));
}

std::string redial_share(const Histogram& h) {
  return fmt::format("{:.1f}%", 100.0 * double(h.redials().iterations) /
                                    double(std::max<uint64_t>(1, h.iterations())));
}

// One row per candidate: its timing, TVD, redial share and class shares; the real program last.
std::string fit_table(const Fit& fit) {
  std::vector<std::string> classes;
  for (const auto& cc : fit.real.histogram.classes()) classes.push_back(cc.cls);
  for (const auto& c : fit.candidates) {
    for (const auto& cc : c.model.histogram.classes()) {
      const std::string& cls = cc.cls;
      if (std::find(classes.begin(), classes.end(), cls) == classes.end()) classes.push_back(cls);
    }
  }
  std::string out = fmt::format("{:>7} {:>7} {:>7} {:>9} {:>4} {:>7} {:>8}", "preface", "handoff",
                                "headers", "read_loop", "spin", "TVD", "redials");
  for (const auto& cls : classes)
    out += fmt::format(" {:>{}}", cls, std::max<size_t>(7, cls.size()));
  out += "\n";
  auto row = [&](const std::string& head, const std::string& tvd, const Histogram& h) {
    out += head + fmt::format(" {:>7} {:>8}", tvd, redial_share(h));
    for (const auto& cls : classes) {
      out += fmt::format(" {:>{}}", share(h, cls), std::max<size_t>(7, cls.size()));
    }
    out += "\n";
  };
  for (size_t i = 0; i < fit.candidates.size(); ++i) {
    const auto& c = fit.candidates[i];
    row(fmt::format("{:>7} {:>7} {:>7} {:>9} {:>4}", c.timing.preface.count(),
                    c.timing.handoff.count(), c.timing.headers.count(), c.timing.read_loop.count(),
                    c.timing.spin.count()),
        fmt::format("{:.4f}", c.tvd) + (i == fit.best ? "*" : ""), c.model.histogram);
  }
  row(fmt::format("{:>38}", "real"), "", fit.real.histogram);
  return out;
}

int fit_command(const CalibrateFlags& f, const Scenario& model, const Scenario& real) {
  using us = std::chrono::microseconds;
  std::vector<Scenario::GoTiming> grid;
  for (int preface : f.fit_preface_us) {
    for (int handoff : f.fit_handoff_us) {
      for (int headers : f.fit_headers_us) {
        for (int read_loop : f.fit_read_loop_us) {
          for (int spin : f.fit_spin_us) {
            grid.push_back({us(handoff), us(headers), us(preface), us(read_loop), us(spin)});
          }
        }
      }
    }
  }
  const Pki pki(model.key_type);
  std::atomic<uint64_t> done{0};
  Fit fit;
  {
    Progress progress(done, (grid.size() + 1) * model.iterations);
    DriverHooks hooks;
    hooks.done = &done;
    fit = run_fit(model, real, pki, f.batches, grid, hooks);
  }
  const FitCandidate& best = fit.candidates[fit.best];
  print_stdout(
      fmt::format("fit {} against {}: {} timings x {} iterations in {} interleaved batches, one "
                  "server ({})\n\n",
                  model.client, real.client, grid.size(), model.iterations, f.batches, model.id()) +
      fit_table(fit) +
      fmt::format("\nbest: --go-preface-us {} --go-handoff-us {} --go-headers-us {} "
                  "--go-read-loop-us {} --go-spin-us {} (TVD {:.4f}; the real program's even "
                  "against its odd batches: {:.4f})\n",
                  best.timing.preface.count(), best.timing.handoff.count(),
                  best.timing.headers.count(), best.timing.read_loop.count(),
                  best.timing.spin.count(), best.tvd, fit.real_self_tvd));
  if (!f.json_path.empty()) {
    nlohmann::json candidates = nlohmann::json::array();
    for (const auto& c : fit.candidates) {
      candidates.push_back({{"preface_us", c.timing.preface.count()},
                            {"handoff_us", c.timing.handoff.count()},
                            {"headers_us", c.timing.headers.count()},
                            {"read_loop_us", c.timing.read_loop.count()},
                            {"spin_us", c.timing.spin.count()},
                            {"tvd", c.tvd},
                            {"model", to_json(c.model)}});
    }
    const nlohmann::json j = {{"schema", "h2race/fit/1"},
                              {"real", to_json(fit.real)},
                              {"candidates", candidates},
                              {"real_self_tvd", fit.real_self_tvd},
                              {"best", fit.best}};
    write_output("--json", f.json_path, j.dump(2) + "\n");
  }
  if (fit.real.partial && interrupted()) return interrupt_exit_code();
  return 0;
}

}  // namespace

int calibrate_command(CalibrateFlags& f) {
  // --fit runs many timings of the model; which one's connections to explain is not clear.
  if (f.explain && f.fit) throw UsageError("--explain: not with --fit");
  if (f.against.empty()) {
    f.against = program_modeled_by(f.model);
    if (f.against.empty()) {
      throw UsageError(fmt::format(
          "--model {}: no client definition says it is modeled by it; give --against", f.model));
    }
  }
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
  if (f.fit) {
    if (!find_client(model.client)->go_model) {
      throw UsageError(
          fmt::format("--fit: --model {} has no timing to fit (not a go model)", f.model));
    }
    return fit_command(f, model, real);
  }
  const Pki pki(model.key_type);
  std::atomic<uint64_t> done{0};
  Calibration c;
  {
    Progress progress(done, 2 * model.iterations);
    DriverHooks hooks;
    hooks.done = &done;
    hooks.explain = f.explain;
    c = run_calibration(model, real, pki, f.batches, f.alpha, hooks);
  }
  print_stdout(
      fmt::format("calibrate {} against {}: {} iterations each in {} interleaved batches, one "
                  "server ({})\nbaseline = {} (real), current = {} (model)\n\n",
                  model.client, real.client, model.iterations, f.batches, model.id(), real.client,
                  model.client) +
      text_table(c.comparison) + "\n" + redial_line("model", c.model.histogram) +
      redial_line("real", c.real.histogram) +
      fmt::format("TVD {:.4f} (the real program's even against its odd batches: {:.4f})\n", c.tvd,
                  c.real_self_tvd) +
      (c.model.examples.empty()
           ? ""
           : fmt::format("\nexamples of the model ({}; the real program's connections are not "
                         "recorded: it is another process)\n",
                         model.client) +
                 format_examples(c.model.examples)));
  if (!f.json_path.empty()) {
    const nlohmann::json j = {
        {"schema", "h2race/calibration/1"}, {"model", to_json(c.model)},
        {"real", to_json(c.real)},          {"tvd", c.tvd},
        {"real_self_tvd", c.real_self_tvd}, {"comparison", to_json(c.comparison)}};
    write_output("--json", f.json_path, j.dump(2) + "\n");
  }
  if ((c.model.partial || c.real.partial) && interrupted()) return interrupt_exit_code();
  return 0;
}

}  // namespace h2race::cli
