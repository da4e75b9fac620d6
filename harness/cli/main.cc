// The `h2race` binary. Every subcommand and flag is declared here, in one place, with CLI11;
// harness/cli/*_command.cc run them.
#include <CLI/CLI.hpp>
#include <thread>

#include <fmt/format.h>

#include "harness/cli/commands.h"

namespace h2race::cli {
namespace {

bool has_subcommand(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->check_name(name)) return true;
  }
  return false;
}

int main_impl(int argc, char** argv) {
  CLI::App app{"h2race: reproduce, measure and fuzz error races on TLS/HTTP2 connections"};
  app.require_subcommand(1);
  app.set_version_flag("--version", H2RACE_VERSION);

  RunFlags run_flags;
  run_flags.scenario.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  CLI::App* run = app.add_subcommand(
      "run", "run a scenario N times and print the error histogram (defaults: the seed case)");
  add_scenario_flags(run, run_flags.scenario);
  run->add_option("--schedule", run_flags.schedule_path,
                  "apply this schedule file to every iteration");
  run->add_option("--json", run_flags.json_path, "write the histogram as JSON to this file");
  run->add_flag("--fail-on-divergence", run_flags.fail_on_divergence,
                "exit 1 when iterations fall in more than one class");
  run->add_flag("-q,--quiet", run_flags.quiet, "do not print the table");

  ReplayFlags replay_flags;
  CLI::App* replay = app.add_subcommand(
      "replay", "replay a schedule K times; exit 0 iff every replay gave the same class");
  replay->add_option("file", replay_flags.file, "schedule file (see fuzz/reproducers/)")
      ->required();
  replay->add_option("--times", replay_flags.times, "number of replays")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000}))
      ->capture_default_str();
  replay->add_flag("-q,--quiet", replay_flags.quiet, "print only the summary line");

  SoakFlags soak_flags;
  soak_flags.scenario.jobs = run_flags.scenario.jobs;
  CLI::App* soak = app.add_subcommand(
      "soak", "long run in chunks; fails if RSS or open fds grow, or iterations hang");
  add_scenario_flags(soak, soak_flags.scenario);
  soak->remove_option(soak->get_option("--iterations"));
  soak->add_option("-n,--iterations", soak_flags.iterations, "total iterations")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000'000}))
      ->capture_default_str();
  soak->add_option("--chunk", soak_flags.chunk, "iterations per chunk (one sample each)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100'000'000}))
      ->capture_default_str();

  CompareFlags compare_flags;
  CLI::App* compare = app.add_subcommand(
      "compare", "compare two histograms of one scenario: exit 0 same, 1 differs");
  compare->add_option("baseline", compare_flags.baseline, "baseline histogram JSON")->required();
  compare->add_option("current", compare_flags.current, "current histogram JSON")->required();
  compare->add_option("--alpha", compare_flags.alpha, "significance level")
      ->check(CLI::Range(1e-12, 0.5))
      ->capture_default_str();
  compare->add_flag("--force", compare_flags.force, "compare even different scenarios");
  compare->add_option("--json", compare_flags.json_path, "write the verdict as JSON");

  MergeFlags merge_flags;
  CLI::App* merge =
      app.add_subcommand("merge", "sum histograms of the same scenario into one file");
  merge->add_option("inputs", merge_flags.inputs, "histogram JSON files")->required();
  merge->add_option("-o,--out", merge_flags.out, "output file")->required();

  MatrixFlags matrix_flags;
  matrix_flags.jobs = run_flags.scenario.jobs;
  CLI::App* matrix = app.add_subcommand(
      "matrix", "run every scenario of the built-in matrix: one JSON each + a summary");
  matrix->add_option("-n,--iterations", matrix_flags.iterations, "iterations per scenario")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000'000}))
      ->capture_default_str();
  matrix->add_option("--out", matrix_flags.out_dir, "output directory")->capture_default_str();
  matrix->add_option("--jobs", matrix_flags.jobs, "client workers")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();

  ReportFlags report_flags;
  CLI::App* report = app.add_subcommand("report", "Markdown table and SVG chart of histograms");
  report->add_option("inputs", report_flags.inputs, "histogram JSON files or directories")
      ->required();
  report->add_option("--md", report_flags.md_path, "write the Markdown table here");
  report->add_option("--svg", report_flags.svg_path, "write the SVG chart here");

  if (argc > 1 && argv[1][0] != '-' && !has_subcommand(app, argv[1])) {
    fmt::print(stderr, "h2race: unknown subcommand '{}'\nRun with --help for usage.\n", argv[1]);
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "h2race: {}\nRun with --help for usage.\n", e.what());
    return kExitUsage;
  }

  try {
    if (run->parsed()) {
      finish_scenario(run_flags.scenario, run);
      return run_command(run_flags);
    }
    if (replay->parsed()) return replay_command(replay_flags);
    if (compare->parsed()) return compare_command(compare_flags);
    if (merge->parsed()) return merge_command(merge_flags);
    if (matrix->parsed()) return matrix_command(matrix_flags);
    if (report->parsed()) return report_command(report_flags);
    if (soak->parsed()) {
      finish_scenario(soak_flags.scenario, soak);
      return soak_command(soak_flags);
    }
  } catch (const UsageError& e) {
    fmt::print(stderr, "h2race {}: {}\n", app.get_subcommands().front()->get_name(), e.what());
    return kExitUsage;
  }
  return kExitUsage;
}

}  // namespace
}  // namespace h2race::cli

int main(int argc, char** argv) {
  try {
    return h2race::cli::main_impl(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "h2race: internal error: {}\n", e.what());
    return h2race::cli::kExitInternal;
  }
}
