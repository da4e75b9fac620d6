// `h2race calibrate`: a model and the real program it models, same server, one run; their
// histograms side by side (share and Wilson interval per class), the homogeneity test and the
// total variation distance (TVD). Measured, not gated: it exits 0 whatever the distance.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <thread>
#include <vector>

#include "analysis/batch_spread.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/user_files.h"
#include "clients/client_kinds.h"
#include "clients/go_runtime.h"
#include "core/environment.h"
#include "core/interrupt.h"
#include "core/pki.h"
#include "core/wake_latency.h"
#include "harness/calibrate.h"

namespace h2race::cli {
namespace {

// /proc/loadavg's first three fields, "0.52 0.31 0.20" ("?" where it cannot be read).
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "?";
  return fmt::format("{} {} {}", one, five, fifteen);
}

// Which build of the real program ran, from its run's env (version-argv).
std::string program_line(const RunRecord& real) {
  const auto p = real.env.value("client_program", nlohmann::json::object());
  const std::string version = p.value("version", "");
  return fmt::format("real program {}{}", p.value("name", "?"),
                     version.empty() ? "" : " (" + version + ")");
}

// How fast this machine did the model's yardstick against the fit (env.go_model_speed), "" when
// the model has none. The model's CPU work is the yardstick's steps, so it takes this factor
// longer by itself.
std::string speed_line(const RunRecord& model) {
  const auto s = model.env.value("go_model_speed", nlohmann::json::object());
  if (s.empty()) return "";
  return fmt::format(
      "; the model's CPU work takes x{:.2f} the fit's time here "
      "(yardstick {:.0f} us of CPU, {:.0f} us at the fit)",
      s.value("factor", 0.0), s.value("reference_ns", 0) / 1e3, s.value("at_fit_ns", 0) / 1e3);
}

// How many wake-ups `calibrate` times before and after its runs: about a quarter second each.
constexpr int kWakeRounds = 1000;

// One measurement of an idle core's wake-up for the conditions line and the JSON.
std::string wake_text(const std::optional<WakeLatency>& w) {
  if (!w) return "?";
  return fmt::format("{:.0f} us (p90 {:.0f})", w->p50.count() / 1e3, w->p90.count() / 1e3);
}

nlohmann::json wake_json(const std::optional<WakeLatency>& w) {
  if (!w) return nullptr;
  return {{"p50_us", w->p50.count() / 1e3}, {"p90_us", w->p90.count() / 1e3}};
}

Scenario with_client(const Scenario& base, const std::string& flag, const std::string& client) {
  Scenario s = base;
  s.client = client;
  if (auto error = resolve_client(s, /*client_given=*/true, /*proto_given=*/true)) {
    throw UsageError(fmt::format("{} {}: {}", flag, client, *error));
  }
  return s;
}

// The header's note on --warm-up: which of the real program's answers were counted.
std::string warm_up_note(uint64_t warm_up) {
  if (warm_up == 0) return "";
  return fmt::format("; each process of the real program first made {} requests, not counted",
                     warm_up);
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

// Per class at >= 1 % on either side: how far its share moved between each side's batches, and
// the SD that sampling alone gives a batch. A side whose SD is well above sampling's drifts within
// the run, and one run's interval understates where its next run lands (docs/go-model.md).
struct SpreadRow {
  std::string cls;
  ShareSpread real, model;
};
std::vector<SpreadRow> spread_rows(const Calibration& c) {
  std::vector<SpreadRow> out;
  for (const auto& cc : c.comparison.classes) {
    if (std::max(cc.base_rate, cc.cur_rate) < 0.01) continue;
    out.push_back(
        {cc.cls, share_spread(c.real_batches, cc.cls), share_spread(c.model_batches, cc.cls)});
  }
  return out;
}

std::string spread_text(const ShareSpread& s) {
  return fmt::format("{:5.1f}-{:5.1f} %  SD {:4.1f} ({:3.1f})", 100 * s.min, 100 * s.max,
                     100 * s.sd, 100 * s.sampling_sd);
}

std::string spread_table(const std::vector<SpreadRow>& rows, size_t batches) {
  std::string out = fmt::format(
      "per batch ({} per side): share min-max, SD between batches (sampling alone)\n"
      "{:<34} {:<32} {}\n",
      batches, "class", "real", "model");
  for (const auto& r : rows) {
    out += fmt::format("{:<34} {:<32} {}\n", r.cls, spread_text(r.real), spread_text(r.model));
  }
  return out;
}

nlohmann::json spread_json(const std::vector<SpreadRow>& rows) {
  auto side = [](const ShareSpread& s) {
    return nlohmann::json{{"min", s.min},
                          {"max", s.max},
                          {"sd", s.sd},
                          {"sampling_sd", s.sampling_sd},
                          {"batches", s.batches}};
  };
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    out.push_back({{"class", r.cls}, {"real", side(r.real)}, {"model", side(r.model)}});
  }
  return out;
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
  // One column per timing field, as wide as its name.
  auto timing_cells = [](const Scenario::GoTiming& t) {
    std::string cells;
    for (const auto& field : kGoTimingFields) {
      cells += fmt::format("{:>{}} ", (t.*field.member).count(), field.name.size());
    }
    return cells;
  };
  std::string out;
  for (const auto& field : kGoTimingFields) out += fmt::format("{} ", field.name);
  out += fmt::format("{:>7} {:>8}", "TVD", "redials");
  for (const auto& cls : classes)
    out += fmt::format(" {:>{}}", cls, std::max<size_t>(7, cls.size()));
  out += "\n";
  auto row = [&](const std::string& head, const std::string& tvd, const Histogram& h) {
    out += head + fmt::format("{:>7} {:>8}", tvd, redial_share(h));
    for (const auto& cls : classes) {
      out += fmt::format(" {:>{}}", share(h, cls), std::max<size_t>(7, cls.size()));
    }
    out += "\n";
  };
  for (size_t i = 0; i < fit.candidates.size(); ++i) {
    const auto& c = fit.candidates[i];
    row(timing_cells(c.timing), fmt::format("{:.4f}", c.tvd) + (i == fit.best ? "*" : ""),
        c.model.histogram);
  }
  const size_t timing_width = timing_cells({}).size();
  row(fmt::format("{:>{}}", "real ", timing_width), "", fit.real.histogram);
  return out;
}

// Every combination of the grid's lists, one list per timing field (kGoTimingFields' order).
std::vector<Scenario::GoTiming> fit_grid(const CalibrateFlags& f) {
  std::vector<Scenario::GoTiming> grid{Scenario::GoTiming{}};
  for (size_t i = 0; i < std::size(kGoTimingFields); ++i) {
    std::vector<Scenario::GoTiming> next;
    for (const auto& partial : grid) {
      for (int us : f.fit_grid[i]) {
        next.push_back(partial);
        next.back().*kGoTimingFields[i].member = std::chrono::microseconds(us);
      }
    }
    grid = std::move(next);
  }
  return grid;
}

// --go-preface-us 0 --go-handoff-us 5 ...
std::string timing_flags(const Scenario::GoTiming& t) {
  std::vector<std::string> flags;
  for (const auto& field : kGoTimingFields) {
    flags.push_back(fmt::format("--go-{}-us {}", field.name, (t.*field.member).count()));
  }
  return fmt::format("{}", fmt::join(flags, " "));
}

int fit_command(const CalibrateFlags& f, const RunPlan& model_plan, const RunPlan& real_plan) {
  const Scenario& model = model_plan.scenario;
  const Scenario& real = real_plan.scenario;
  const std::vector<Scenario::GoTiming> grid = fit_grid(f);
  const Pki pki(model.key_type);
  std::atomic<uint64_t> done{0};
  Fit fit;
  {
    Progress progress(done, (grid.size() + 1) * model.iterations);
    DriverHooks hooks;
    hooks.done = &done;
    fit = run_fit(model_plan, real_plan, pki, f.batches, grid, hooks);
  }
  const FitCandidate& best = fit.candidates[fit.best];
  print_stdout(
      fmt::format("fit {} against {}: {} timings x {} iterations in {} interleaved batches, one "
                  "server ({}){}\n\n",
                  model.client, real.client, grid.size(), model.iterations,
                  std::min(f.batches, model.iterations), model.id(), warm_up_note(*f.warm_up)) +
      fit_table(fit) +
      fmt::format("\nbest: {} (TVD {:.4f}; the real program's even against its odd batches: "
                  "{:.4f})\n",
                  timing_flags(best.timing), best.tvd, fit.real_self_tvd));
  if (!f.out.json_path.empty()) {
    nlohmann::json candidates = nlohmann::json::array();
    for (const auto& c : fit.candidates) {
      nlohmann::json candidate;
      for (const auto& field : kGoTimingFields) {
        candidate[go_timing_json_key(field)] = (c.timing.*field.member).count();
      }
      candidate["tvd"] = c.tvd;
      candidate["model"] = to_json(c.model);
      candidates.push_back(std::move(candidate));
    }
    const nlohmann::json j = {{"schema", "h2race/fit/1"}, {"real", to_json(fit.real)},
                              {"candidates", candidates}, {"real_self_tvd", fit.real_self_tvd},
                              {"best", fit.best},         {"warm_up", *f.warm_up}};
    write_output("--json", f.out.json_path, j.dump(2) + "\n");
  }
  if (fit.real.partial && interrupted()) return interrupt_exit_code();
  return 0;
}

}  // namespace

int calibrate_command(CalibrateFlags& f) {
  check_json_stdout(f.out, "calibrate's report", /*quiet_frees_it=*/false);
  // --fit runs many timings of the model; which one's connections to explain is not clear.
  if (f.out.explain && f.fit) throw UsageError("--explain: not with --fit");
  // The model first: an unknown name is the model's error, not its real program's; only an
  // in-process profile can be one.
  if (const ClientKindInfo* kind = find_client(f.model); !kind || !kind->run) {
    throw UsageError(fmt::format("--model {}: {}; one of {}", f.model,
                                 kind ? "not an in-process profile" : "no such client",
                                 client_names(/*in_process_only=*/true)));
  }
  const RunPlan model_plan = plan_run(with_client(f.scenario, "--model", f.model));
  if (f.against.empty()) {
    f.against = program_modeled_by(f.model);
    if (f.against.empty()) {
      throw UsageError(fmt::format(
          "--model {}: no client definition says it is modeled by it; give --against", f.model));
    }
  }
  RunPlan real_plan = plan_run(with_client(f.scenario, "--against", f.against));
  if (!real_plan.kind->program) {
    throw UsageError(fmt::format("--against {}: not an external program", f.against));
  }
  if (!f.warm_up) f.warm_up = answers_in_lines(*real_plan.kind) ? kDefaultWarmUp : 0;
  apply_warm_up(real_plan, *f.warm_up, real_plan.scenario.client);
  if (f.scenario.fresh_server) throw UsageError("--fresh-server: calibrate shares one server");
  const Scenario& model = model_plan.scenario;
  const Scenario& real = real_plan.scenario;
  if (!f.out.json_path.empty()) check_output_path("--json", f.out.json_path);
  check_output_flags(f.out);
  if (f.fit && !f.out.log_path.empty()) {
    throw UsageError("--log: not with --fit (a fit's model lines would not say their timing)");
  }
  const auto log = open_iteration_log(f.out);

  print_plan_caveat("calibrate", model_plan);
  install_interrupt_handlers();
  if (f.fit) {
    if (!model_plan.kind->go_timing) {
      throw UsageError(
          fmt::format("--fit: --model {} has no timing to fit (not a go model)", f.model));
    }
    return fit_command(f, model_plan, real_plan);
  }
  const Pki pki(model.key_type);
  std::atomic<uint64_t> done{0};
  Calibration c;
  const std::string load_before = load_average();
  const std::optional<WakeLatency> wake_before = measure_wake_latency(kWakeRounds);
  {
    Progress progress(done, 2 * model.iterations);
    DriverHooks hooks;
    hooks.done = &done;
    hooks.explain = f.out.explain;
    hooks.log = log.get();
    c = run_calibration(model_plan, real_plan, pki, f.batches, f.alpha, hooks);
  }
  const std::vector<SpreadRow> spreads = spread_rows(c);
  const std::optional<WakeLatency> wake_after = measure_wake_latency(kWakeRounds);
  print_stdout(
      fmt::format("calibrate {} against {}: {} iterations each in {} interleaved batches, one "
                  "server ({}){}\nbaseline = {} (real), current = {} (model)\n\n",
                  model.client, real.client, model.iterations,
                  std::min(f.batches, model.iterations), model.id(), warm_up_note(*f.warm_up),
                  real.client, model.client) +
      text_table(c.comparison) + "\n" + redial_line("model", c.model.histogram) +
      redial_line("real", c.real.histogram) +
      fmt::format("TVD {:.4f} (the real program's even against its odd batches: {:.4f})\n", c.tvd,
                  c.real_self_tvd) +
      "\n" + spread_table(spreads, c.real_batches.size()) + "\n" +
      // The conditions a distance holds for: both sides' shares move with the machine's load,
      // and with how soon an idle core runs a thread woken there, which no yardstick sees.
      fmt::format("conditions: {} cores, GOMAXPROCS {}, --jobs {}, {}, load average (1, 5, 15 "
                  "min) {} before, {} after; an idle core ran a woken thread after {} before, {} "
                  "after (p50, {} wake-ups); {}{}\n",
                  std::thread::hardware_concurrency(), go_maxprocs(), model.jobs, host_line(),
                  load_before, load_average(), wake_text(wake_before), wake_text(wake_after),
                  kWakeRounds, program_line(c.real), speed_line(c.model)) +
      (c.model.examples.empty()
           ? ""
           : fmt::format("\nexamples of the model ({}; the real program's connections are not "
                         "recorded: it is another process)\n",
                         model.client) +
                 format_examples(c.model.examples, c.model.histogram.class_order())));
  if (!f.out.json_path.empty()) {
    const nlohmann::json j = {{"schema", "h2race/calibration/1"},
                              {"model", to_json(c.model)},
                              {"real", to_json(c.real)},
                              {"tvd", c.tvd},
                              {"real_self_tvd", c.real_self_tvd},
                              {"warm_up", *f.warm_up},
                              {"comparison", to_json(c.comparison)},
                              {"batch_spread", spread_json(spreads)},
                              {"idle_core_wake_up",
                               {{"rounds", kWakeRounds},
                                {"before", wake_json(wake_before)},
                                {"after", wake_json(wake_after)}}}};
    write_output("--json", f.out.json_path, j.dump(2) + "\n");
  }
  finish_iteration_log(log.get());
  if ((c.model.partial || c.real.partial) && interrupted()) return interrupt_exit_code();
  return 0;
}

}  // namespace h2race::cli
