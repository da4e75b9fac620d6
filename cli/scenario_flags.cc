// The scenario flags shared by `run`, `replay` (schedule headers) and later subcommands.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/enum_option.h"
#include "cli/flag_values.h"
#include "clients/client_kinds.h"
#include "servers/server_kinds.h"

namespace h2race::cli {
namespace {

bool given(const CLI::App* cmd, const char* flag) {
  const CLI::Option* opt = cmd->get_option_no_throw(flag);
  return opt && opt->count() > 0;
}

// The flag that sets one field of the go models' timing: --go-NAME-us.
std::string go_timing_flag(const GoTimingField& f) { return fmt::format("--go-{}-us", f.name); }

// Help lines "  NAME TEXT", the names in one column as wide as the longest, so that no text runs
// into its name (the server and the client lists).
using HelpRow = std::pair<std::string_view, std::string_view>;
std::string aligned_help_lines(const std::vector<HelpRow>& rows) {
  size_t width = 0;
  for (const auto& [name, text] : rows) width = std::max(width, name.size());
  std::string lines;
  for (const auto& [name, text] : rows) lines += fmt::format("\n  {:<{}} {}", name, width, text);
  return lines;
}

}  // namespace

void add_iterations_flag(CLI::App* cmd, uint64_t& n, const std::string& help) {
  cmd->add_option("-n,--iterations", n, help)
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000'000}))
      ->capture_default_str();
}

void add_jobs_flag(CLI::App* cmd, int& jobs, const std::string& help) {
  cmd->add_option("--jobs", jobs, help)->check(CLI::Range(1, kMaxJobs))->capture_default_str();
}

void add_protocol_flags(CLI::App* cmd, Scenario& s, std::string_view proto_help,
                        std::string_view tls_help) {
  add_enum_option(cmd, "--proto", s.proto, std::string(proto_help));
  add_enum_option(cmd, "--tls", s.tls, std::string(tls_help));
}

void add_client_bound_flags(CLI::App* cmd, Scenario& s) {
  cmd->add_option_function<int64_t>(
         "--timeout-ms", [&s](int64_t ms) { s.timeout = std::chrono::milliseconds(ms); },
         "bound on each iteration; past it the class is `timeout`")
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}))
      ->default_str("5000");
  cmd->add_option_function<int64_t>(
         "--alert-grace-ms", [&s](int64_t ms) { s.alert_grace = std::chrono::milliseconds(ms); },
         "prefer-alert: how long to keep reading for an alert after a transport error")
      ->check(CLI::Range(int64_t{0}, int64_t{60'000}))
      ->default_str("100");
  cmd->add_option_function<int64_t>(
         "--slow-request-us", [&s](int64_t us) { s.slow_request = std::chrono::microseconds(us); },
         "a diagnostic: the client busy-waits this long once its request holds the connection "
         "(where Go's httptrace GotConn fires), as on a slower machine; the go models and Go's "
         "net/http programs (docs/go-model.md, \"Go's answer to a slower request\")")
      ->check(CLI::Range(int64_t{0}, kMaxSlowRequestUs))
      ->default_str("0");
}

void add_server_flags(CLI::App* cmd, Scenario& s, std::string_view proto_help,
                      std::string_view tls_help) {
  add_protocol_flags(cmd, s, proto_help, tls_help);
  add_enum_option(cmd, "--server-close", s.server_close,
                  "what the server does after a failed handshake");
  add_enum_option(
      cmd, "--server-read", s.server_read,
      "how the server reads: ahead (as Go's) or one TLS record per read (BoringSSL's BIO)");
  add_enum_option(cmd, "--key", s.key_type, "key type of every certificate");
  cmd->add_option_function<int64_t>(
         "--linger-ms", [&s](int64_t ms) { s.linger = std::chrono::milliseconds(ms); },
         "--server-close linger: how long the server drains the client before closing")
      ->check(CLI::Range(int64_t{1}, int64_t{60'000}))
      ->default_str("1000");
}

void add_external_server_flags(CLI::App* cmd, Scenario& s) {
  std::string help =
      fmt::format("the server: {} (h2race's own, the default) or a real program:", kOwnServer);
  std::vector<HelpRow> rows;
  for (const ServerDefinition& d : server_definitions()) rows.emplace_back(d.name, d.summary);
  help += aligned_help_lines(rows);
  CLI::Option* server = cmd->add_option("--server", s.server, help);
  cmd->add_option_function<std::string>(
         "--server-def",
         [&s](const std::string& file) {
           try {
             s.server = add_server_definition(file).name;
           } catch (const DefinitionError& e) {
             throw CLI::ValidationError("--server-def", e.what());
           }
         },
         "a real server of your own: its definition file (docs/servers.md); the run's server is "
         "the name it declares")
      ->excludes(server)
      ->check(CLI::ExistingFile);
  cmd->add_option("--server-knob", s.server_knob,
                  "with --server: one of its definition's knobs (e.g. http-reject)");
}

void check_server_flags(const Scenario& s, const CLI::App* cmd) {
  if (!s.server.empty()) {
    for (const char* flag : {"--server-close", "--server-read", "--linger-ms", "--fresh-server"}) {
      if (given(cmd, flag)) {
        throw UsageError(fmt::format(
            "{} applies to h2race's own server, not --server {} (its definition says what it "
            "does; --server-knob picks one of its knobs)",
            flag, s.server));
      }
    }
  } else if (given(cmd, "--server-knob")) {
    throw UsageError("--server-knob applies only with --server NAME (a real server)");
  }
  if (given(cmd, "--linger-ms") && s.server_close != ServerClose::kLinger) {
    throw UsageError(fmt::format("--linger-ms applies only to --server-close linger, not {}",
                                 name(s.server_close)));
  }
}

void add_go_timing_flags(CLI::App* cmd, Scenario& s) {
  for (const auto& f : kGoTimingFields) {
    const int64_t go = (kGoTimingGo.*f.member).count();
    const int64_t go119 = (kGoTimingGo119.*f.member).count();
    cmd->add_option_function<int64_t>(
           go_timing_flag(f),
           [&s, member = f.member](int64_t us) {
             s.go_timing = s.go_timing.value_or(kGoTimingNotGiven);
             (*s.go_timing).*member = std::chrono::microseconds(us);
           },
           std::string(f.help))
        ->check(CLI::Range(int64_t{0}, int64_t{100'000}))
        ->default_str(go == go119 ? std::to_string(go)
                                  : fmt::format("go {}, go1.19 {}", go, go119));
  }
}

void add_scenario_flags(CLI::App* cmd, Scenario& s, ScenarioFlagSet which) {
  if (which.iterations)
    add_iterations_flag(cmd, s.iterations, "number of iterations (connections)");
  add_server_flags(cmd, s, "HTTP version the client speaks", "TLS version of both peers");
  add_enum_option(cmd, "--client-cert", s.client_cert, "certificate the client presents");
  if (which.client) add_client_option(cmd, s, /*in_process_only=*/false);
  add_jobs_flag(cmd, s.jobs, "client workers (connections in flight)");
  cmd->add_flag("--fresh-server", s.fresh_server,
                "a new server (listener, SSL_CTX) per iteration, as the seed program does");
  add_client_bound_flags(cmd, s);
  add_go_timing_flags(cmd, s);
  add_external_server_flags(cmd, s);
}

std::string client_help_list(bool (*keep)(const ClientKindInfo&)) {
  std::vector<HelpRow> rows;
  for (const ClientKindInfo& k : client_kinds()) {
    if (!keep || keep(k)) rows.emplace_back(k.name, k.help);
  }
  return aligned_help_lines(rows);
}

CLI::Option* add_client_def_option(
    CLI::App* cmd, const std::string& help,
    std::function<void(const std::string& name, const std::string& file)> loaded) {
  return cmd
      ->add_option_function<std::string>(
          "--client-def",
          [loaded = std::move(loaded)](const std::string& file) {
            try {
              loaded(std::string(add_client_definition(file).name), file);
            } catch (const DefinitionError& e) {
              throw CLI::ValidationError("--client-def", e.what());
            }
          },
          help)
      ->check(CLI::ExistingFile);
}

void add_client_option(CLI::App* cmd, Scenario& s, bool in_process_only) {
  std::string help =
      "client (h1 implies --proto h1):" +
      client_help_list(in_process_only ? +[](const ClientKindInfo& k) { return k.run != nullptr; }
                                       : nullptr);
  if (in_process_only) help += "\n(external programs: run them against `h2race serve`)";
  // The name is checked where it is resolved (finish_scenario), once.
  CLI::Option* client = cmd->add_option("--client", s.client, help)->capture_default_str();
  if (in_process_only) return;
  add_client_def_option(cmd,
                        "an external client of your own: its definition file (docs/peers.md, "
                        "\"Client definitions\"); the run's client is the name it declares",
                        [&s](const std::string& name, const std::string&) { s.client = name; })
      ->excludes(client);
}

namespace {

// A flag the chosen client never reads is a mistake (the user believes it changed something), not
// a no-op. s is resolved (resolve_client kept the settings its client reads); who names the client
// as the user chose it ("--client h1", "--model sequential").
void refuse_flags_the_client_never_reads(const Scenario& s, const CLI::App* cmd,
                                         const std::string& who) {
  if (given(cmd, "--alert-grace-ms") && !s.alert_grace) {
    throw UsageError(fmt::format(
        "--alert-grace-ms applies only to clients that wait for an alert (prefer-alert), not {}",
        who));
  }
  for (const auto& f : kGoTimingFields) {
    const std::string flag = go_timing_flag(f);
    if (given(cmd, flag.c_str()) && !s.go_timing) {
      throw UsageError(
          fmt::format("{} applies only to the Go models (go, go1.19), not {}", flag, who));
    }
  }
}

}  // namespace

void finish_scenario(Scenario& s, const CLI::App* cmd) {
  if (auto error = resolve_client(s, given(cmd, "--client"), given(cmd, "--proto"))) {
    throw UsageError(*error);
  }
  refuse_flags_the_client_never_reads(s, cmd, "--client " + s.client);
  if (s.server == kOwnServer) s.server.clear();  // the default, spelled out
  check_server_flags(s, cmd);
}

void finish_calibrate_scenario(Scenario& s, const std::string& model, bool fit,
                               const CLI::App* cmd) {
  if (s.server == kOwnServer) s.server.clear();
  check_server_flags(s, cmd);
  // --fit's grid sets every timing field: a --go-*-us beside it would be replaced silently.
  for (const auto& f : kGoTimingFields) {
    const std::string flag = go_timing_flag(f);
    if (fit && given(cmd, flag.c_str())) {
      throw UsageError(fmt::format(
          "{}: not with --fit, whose grid sets every field (--fit-{}-us V holds it at V)", flag,
          f.name));
    }
  }
  // The model as calibrate resolves it (only an in-process model reads these flags; the real
  // program takes none of them). A name that does not resolve is calibrate_command's to refuse.
  Scenario m = s;
  m.client = model;
  if (!resolve_client(m, /*client_given=*/true, /*proto_given=*/true)) {
    refuse_flags_the_client_never_reads(m, cmd, "--model " + model);
  }
}

void parse_scenario_text(const std::string& flags, Scenario& s, const std::string& where) {
  CLI::App app{"scenario header"};
  add_scenario_flags(&app, s);
  check_every_value(app);
  std::vector<std::string> args;
  std::istringstream in(flags);
  for (std::string tok; in >> tok;) args.push_back(tok);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector back to front
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    throw UsageError(fmt::format("{}: scenario header: {}", where, e.what()));
  }
  try {
    finish_scenario(s, &app);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: scenario header: {}", where, e.what()));
  }
}

}  // namespace h2race::cli
