// The output flags (--json, -q, --explain, --pcap, --fail-on-divergence, --log), declared once for
// every command that writes them; each command gives only their help.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/user_files.h"

namespace h2race::cli {

void add_output_flags(CLI::App* cmd, OutputFlags& out, const OutputFlagHelp& help) {
  if (help.json) cmd->add_option("--json", out.json_path, help.json);
  if (help.fail_on_divergence) {
    cmd->add_flag("--fail-on-divergence", out.fail_on_divergence, help.fail_on_divergence);
  }
  if (help.log) cmd->add_option("--log", out.log_path, help.log);
  if (help.quiet) cmd->add_flag("-q,--quiet", out.quiet, help.quiet);
  if (help.explain) cmd->add_flag("--explain", out.explain, help.explain);
  if (help.pcap) {
    // A capture is of the explained connections: asking for one asks for them.
    cmd->add_option_function<std::string>(
        "--pcap",
        [&out](const std::string& path) {
          out.pcap_path = path;
          out.explain = true;
        },
        help.pcap);
  }
}

void check_output_flags(const OutputFlags& out) {
  check_distinct_outputs(
      {{"--json", out.json_path}, {"--pcap", out.pcap_path}, {"--log", out.log_path}});
}

void check_json_stdout(const OutputFlags& out, std::string_view what, bool quiet_frees_it) {
  if (out.json_path != kStdoutPath || (quiet_frees_it && out.quiet)) return;
  throw UsageError(fmt::format("--json -: stdout holds {}; give a file{}", what,
                               quiet_frees_it ? ", or add -q" : ""));
}

std::unique_ptr<IterationLog> open_iteration_log(const OutputFlags& out) {
  if (out.log_path.empty()) return nullptr;
  if (out.log_path == kStdoutPath) {
    throw UsageError("--log -: stdout has the table; give the log a file");
  }
  check_output_path("--log", out.log_path);
  try {
    return std::make_unique<IterationLog>(out.log_path);
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string("--log: ") + e.what());
  }
}

void finish_iteration_log(IterationLog* log) {
  if (!log) return;
  try {
    log->finish();
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string("--log: ") + e.what());
  }
}

}  // namespace h2race::cli
