// `h2race run`: one scenario, N iterations, the histogram table and optionally its JSON.
#include <fmt/format.h>

#include <optional>
#include <variant>

#include "analysis/report.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/user_files.h"
#include "core/inject.h"
#include "core/interrupt.h"
#include "core/pki.h"
#include "harness/driver.h"
#include "harness/external_server_run.h"

namespace h2race::cli {
namespace {

// --server NAME: what kept the truth from the wire from some connections, said on stderr.
void report_wire_truth_gaps(const RunRecord& run, const OutputFlags& out) {
  if (run.env.contains("wire_truth_error")) {
    print_stderr(fmt::format("run: no truth from the wire ({}); every truth is `unknown`{}\n",
                             run.env["wire_truth_error"].get<std::string>(),
                             out.pcap_path.empty() ? "" : "; --pcap has the capture"));
  }
  if (const uint64_t dropped = run.env.value("capture_dropped_packets", uint64_t{0})) {
    print_stderr(fmt::format(
        "run: the capture dropped {} packets (the machine was too busy to keep up); the "
        "connections they belonged to have the truth `unknown`\n",
        dropped));
  }
}

}  // namespace

int run_command(RunFlags& f) {
  check_output_flags(f.out);
  check_json_stdout(f.out, "the table", /*quiet_frees_it=*/true);
  std::optional<Schedule> schedule;
  if (!f.schedule_path.empty()) {
    auto loaded = load_schedule(f.schedule_path);
    if (auto* err = std::get_if<ScheduleError>(&loaded)) {
      throw UsageError(err->line == 0 ? "--schedule: " + err->to_string() : err->to_string());
    }
    schedule = std::get<Schedule>(std::move(loaded));
    f.scenario.schedule = f.schedule_path;
  }
  if (!f.out.json_path.empty()) check_output_path("--json", f.out.json_path);
  if (!f.scenario.server.empty() && f.out.explain) {
    // --pcap (which implies --explain) keeps the whole capture instead; --explain alone is refused.
    if (f.out.pcap_path.empty()) {
      throw UsageError(fmt::format(
          "--explain: the events of --server {} cannot be recorded; --pcap FILE keeps the capture "
          "the truth was read from",
          f.scenario.server));
    }
    f.out.explain = false;
  }
  RunPlan plan = plan_run(f.scenario, {.schedule = std::move(schedule), .explain = f.out.explain});
  apply_warm_up(plan, f.warm_up, "--client " + plan.scenario.client);
  if (plan.warm_up > 0 && plan.server) {
    throw UsageError("--warm-up: not with --server (h2race's own server only)");
  }

  // --server NAME: the server's side is not h2race's, so no timelines and no schedule; --pcap
  // keeps the whole capture the truth was read from.
  const bool real_server = plan.server != nullptr;
  if (real_server && plan.schedule) {
    throw UsageError(
        fmt::format("--schedule: --server {} has no injection points (h2race's own server has)",
                    plan.server->name));
  }
  print_plan_caveat("run", plan);
  std::optional<PcapOutput> pcap;
  if (real_server) {
    if (!f.out.pcap_path.empty()) check_output_path("--pcap", f.out.pcap_path);
  } else {
    pcap.emplace(f.out.pcap_path, f.scenario.fresh_server, /*stdout_busy=*/!f.out.quiet);
  }
  const auto log = open_iteration_log(f.out);
  install_interrupt_handlers();
  const Pki pki(f.scenario.key_type);
  std::atomic<uint64_t> done{0};
  RunRecord run;
  {
    Progress progress(done, f.scenario.iterations);
    DriverHooks hooks;
    hooks.done = &done;
    hooks.log = log.get();
    hooks.log_place.client = plan.scenario.client;
    if (real_server) {
      run = run_on_external_server(plan, pki, hooks, {.pcap = f.out.pcap_path});
    } else {
      hooks.explain = f.out.explain;
      hooks.capture = pcap->capture();
      run = run_scenario(plan, pki, hooks);
    }
  }
  int code;
  if (real_server) {
    report_wire_truth_gaps(run, f.out);
    code = finish_run("run", "iterations", run, f.out,
                      "truth: read from the wire (tshark over the capture, with the TLS key log)");
  } else {
    code = finish_run("run", "iterations", run, f.out, "", &*pcap);
  }
  finish_iteration_log(log.get());
  return code;
}

}  // namespace h2race::cli
