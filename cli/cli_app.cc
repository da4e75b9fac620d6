// Every subcommand and flag of `h2race`, declared in one place with CLI11; cli/main.cc
// runs them, fuzz/cli_args_fuzzer.cc only parses them.
#include "cli/cli_app.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <thread>

#include "cli/enum_option.h"
#include "cli/flag_values.h"
#include "cli/user_files.h"
#include "clients/client_kinds.h"
#include "core/classes.h"
#include "core/outcome.h"
#include "harness/external_server.h"
#include "harness/matrix.h"

namespace h2race::cli {

struct Cli {
  CLI::App app;
  RunFlags run_flags;
  ReplayFlags replay_flags;
  SoakFlags soak_flags;
  CompareFlags compare_flags;
  MergeFlags merge_flags;
  MatrixFlags matrix_flags;
  ReportFlags report_flags;
  ServeFlags serve_flags;
  ProbeFlags probe_flags;
  CalibrateFlags calibrate_flags;
  ClassifyFlags classify_flags;
};

void CliDeleter::operator()(Cli* cli) const { std::default_delete<Cli>{}(cli); }

namespace {

// `calibrate`: the run flags without --client (--model and --against name the two clients).
void add_calibrate_command(CLI::App& app, Cli& cli) {
  CalibrateFlags& f = cli.calibrate_flags;
  f.scenario.iterations = 5000;
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "a model and the real program it models, same server, interleaved batches: histograms "
      "side by side, homogeneity test, total variation distance (TVD)");
  add_scenario_flags(cmd, f.scenario, {.client = false});
  cmd->add_option("--model", f.model,
                  "in-process profile that claims to be the program: " +
                      client_names(/*in_process_only=*/true))
      ->capture_default_str();
  cmd->add_option("--against", f.against,
                  "the real program (an external client); default: the one whose definition "
                  "names --model in modeled-by");
  cmd->add_option("--batches", f.batches, "alternating batches per side")
      ->check(CLI::Range(uint64_t{1}, uint64_t{10'000}))
      ->capture_default_str();
  cmd->add_option("--alpha", f.alpha, "significance level of the homogeneity test")
      ->check(finite_range(1e-12, 0.5))
      ->capture_default_str();
  cmd->add_option("--warm-up", f.warm_up,
                  "each process of the real program first makes N requests that are not counted "
                  "(a young Go process answers differently from a settled one, and the model "
                  "claims a settled one); 0 counts every answer")
      ->check(CLI::Range(uint64_t{0}, uint64_t{100'000}))
      ->default_str(fmt::format("{}; 0 for a program that answers exit-status", kDefaultWarmUp));
  add_output_flags(
      cmd, f.out,
      {.json = "write both histograms, the comparison and the TVD",
       .explain = "after the table, the first connection of every class of the MODEL as a "
                  "timeline of both peers; the real program is a separate process, so its "
                  "connections are not recorded (not with --fit)",
       .log = "one JSON line per iteration of both sides (client, batch, iteration, worker, "
              "in_batch, class, truth, t_ms); not with --fit"});
  cmd->add_flag("--fit", f.fit,
                "search the go model's timing: every combination of the --fit-*-us lists runs -n "
                "iterations in the same batches as the real program; prints each TVD and the best");
  for (size_t i = 0; i < std::size(kGoTimingFields); ++i) {
    const std::string_view name = kGoTimingFields[i].name;
    cmd->add_option(fmt::format("--fit-{}-us", name), f.fit_grid[i],
                    fmt::format("--fit: the --go-{}-us values tried (comma-separated)", name))
        ->delimiter(',')
        ->check(CLI::Range(0, 100'000))
        ->capture_default_str();
  }
}

// `run`: the scenario flags, a schedule, JSON, the divergence check.
void add_run_command(CLI::App& app, Cli& cli) {
  cli.run_flags.scenario.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  CLI::App* run = app.add_subcommand(
      "run", "run a scenario N times and print the error histogram (defaults: the seed case)");
  add_scenario_flags(run, cli.run_flags.scenario);
  run->add_option("--schedule", cli.run_flags.schedule_path,
                  "apply this schedule file to every iteration");
  run->add_option("--warm-up", cli.run_flags.warm_up,
                  "a program that answers in lines: each of its processes first makes N requests "
                  "that are not counted, as calibrate's real side does (a young Go process "
                  "answers differently from a settled one); 0 counts every answer")
      ->check(CLI::Range(uint64_t{0}, uint64_t{100'000}))
      ->capture_default_str();
  add_output_flags(
      run, cli.run_flags.out,
      {.json = "write the histogram as JSON to this file",
       .quiet = "do not print the table",
       .explain = "after the table, the first connection of every class as a timeline of both "
                  "peers (in-process clients)",
       .pcap = "the explained connections' packets as pcapng, with their TLS key log "
               "(tshark/Wireshark decrypt it); implies --explain; needs the right to capture",
       .fail_on_divergence = "exit 1 when iterations fall in more than one class",
       .log = "one JSON line per iteration as it ends (client, iteration, worker, in_batch: a "
              "program's n-th answer of its process, class, truth, t_ms)"});
}

// `replay`: schedule files, each K times.
void add_replay_command(CLI::App& app, Cli& cli) {
  CLI::App* replay = app.add_subcommand(
      "replay",
      "replay each schedule K times; exit 0 iff, for every file, every replay gave one class");
  replay->add_option("files", cli.replay_flags.files, "schedule files (see fuzz/reproducers/)")
      ->required();
  replay->add_option("--times", cli.replay_flags.times, "number of replays")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000}))
      ->capture_default_str();
  add_output_flags(
      replay, cli.replay_flags.out,
      {.quiet = "print only the summary line",
       .explain = "after the summary, the first replay of every class as a timeline of both peers",
       .pcap = "the explained connection's packets as pcapng, with its TLS key log; implies "
               "--explain"});
}

// `soak`: the scenario flags, with the total and chunk sizes of a long run.
void add_soak_command(CLI::App& app, Cli& cli) {
  cli.soak_flags.scenario.jobs = cli.run_flags.scenario.jobs;
  cli.soak_flags.scenario.iterations = 1'000'000;
  CLI::App* soak = app.add_subcommand(
      "soak", "long run in chunks; fails if RSS or open fds grow, or iterations hang");
  add_scenario_flags(soak, cli.soak_flags.scenario, {.iterations = false});
  add_iterations_flag(soak, cli.soak_flags.scenario.iterations, "total iterations");
  soak->add_option("--chunk", cli.soak_flags.chunk, "iterations per chunk (one sample each)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100'000'000}))
      ->capture_default_str();
}

// `compare`: two histograms and a significance level.
void add_compare_command(CLI::App& app, Cli& cli) {
  CLI::App* compare = app.add_subcommand(
      "compare", "compare two histograms of one scenario: exit 0 same, 1 differs");
  compare->add_option("baseline", cli.compare_flags.baseline, "baseline histogram JSON")
      ->required();
  compare->add_option("current", cli.compare_flags.current, "current histogram JSON")->required();
  compare->add_option("--alpha", cli.compare_flags.alpha, "significance level")
      ->check(finite_range(1e-12, 0.5))
      ->capture_default_str();
  compare->add_flag("--force", cli.compare_flags.force, "compare even different scenarios");
  add_output_flags(compare, cli.compare_flags.out, {.json = "write the verdict as JSON"});
}

// `merge`: histograms of one scenario into one file.
void add_merge_command(CLI::App& app, Cli& cli) {
  CLI::App* merge =
      app.add_subcommand("merge", "sum histograms of the same scenario into one file");
  merge->add_option("inputs", cli.merge_flags.inputs, "histogram JSON files")->required();
  merge->add_option("-o,--out", cli.merge_flags.out, "output file")->required();
}

// `classify`: a line-protocol program's saved answers through its definition's rules.
void add_classify_command(CLI::App& app, Cli& cli) {
  ClassifyFlags& f = cli.classify_flags;
  CLI::App* cmd = app.add_subcommand(
      "classify",
      "the class of every answer line an external program printed, by its definition's rules, as "
      "a run counts it: prints CLASS<tab>LINE per line");
  CLI::Option* client = cmd->add_option(
      "--client", f.client,
      "the external program (one that answers in lines):" + client_help_list(answers_in_lines));
  add_client_def_option(cmd,
                        "a definition file of your own (docs/peers.md, \"Client definitions\"): "
                        "its rules",
                        [&f](const std::string& name, const std::string& file) {
                          f.client = name;
                          f.client_def = file;
                        })
      ->excludes(client);
  cmd->add_option("FILE", f.answers,
                  "a file of the program's answer lines (its stdout: \"<local address>\\t"
                  "[redials=N\\t]<ok N | error TEXT>\" per request)")
      ->type_name("FILE")
      ->required();
}

// `matrix`: the built-in scenario set.
void add_matrix_command(CLI::App& app, Cli& cli) {
  cli.matrix_flags.jobs = cli.run_flags.scenario.jobs;
  // The counts come from the tables (and the client definitions found), never from the docs.
  CLI::App* matrix = app.add_subcommand(
      "matrix", fmt::format("run every scenario of the built-in matrix ({} scenarios; --zoo: {}): "
                            "one JSON each + a summary",
                            builtin_matrix().size(), zoo_matrix().size()));
  add_iterations_flag(matrix, cli.matrix_flags.iterations, "iterations per scenario");
  matrix
      ->add_option("--external-iterations", cli.matrix_flags.external_iterations,
                   "at most this many for the external programs (a process per connection)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000'000}))
      ->capture_default_str();
  matrix->add_option("--out", cli.matrix_flags.out_dir, "output directory")->capture_default_str();
  matrix->add_flag("--zoo", cli.matrix_flags.zoo,
                   "the client zoo instead: every external client x {h2, h1} x server close "
                   "{immediate, linger}");
  matrix
      ->add_flag("--servers", cli.matrix_flags.servers,
                 "the server zoo instead: the models and key-logging real clients x h2race's "
                 "server and every built-in real server x {h2, h1}; also servers.md and "
                 "servers.svg in --out")
      ->excludes("--zoo");
  add_jobs_flag(matrix, cli.matrix_flags.jobs, "client workers");
}

// `report`: Markdown and SVG of histograms.
void add_report_command(CLI::App& app, Cli& cli) {
  CLI::App* report = app.add_subcommand("report", "Markdown table and SVG chart of histograms");
  report->add_option("inputs", cli.report_flags.inputs, "histogram JSON files or directories")
      ->required();
  report->add_option("--md", cli.report_flags.md_path,
                     "write the Markdown table here ('-': stdout); the --explain examples' "
                     "sequence diagrams go to OUT-diagrams/ next to it (none for '-')");
  report->add_option("--svg", cli.report_flags.svg_path, "write the SVG chart here");
  report->add_option("--servers-md", cli.report_flags.servers_md_path,
                     "write the server zoo's clients x servers table here (what matrix --servers "
                     "writes as servers.md), from its JSON files");
}

// `serve`: the server side of a scenario, alone.
void add_serve_command(CLI::App& app, Cli& cli) {
  ServeFlags& sf = cli.serve_flags;
  CLI::App* serve = app.add_subcommand(
      "serve", "the in-process mTLS server alone, for any client; Ctrl-C prints the truth summary");
  serve->add_option("--address", sf.address, "loopback address to listen on (127.0.0.0/8 or ::1)")
      ->capture_default_str();
  serve->add_option("--port", sf.port, "port to listen on (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  add_server_flags(serve, sf.scenario, "h2: ALPN offers h2 and http/1.1; h1: http/1.1 only",
                   "TLS version");
  serve
      ->add_option_function<int64_t>(
          "--handshake-timeout-ms",
          [&sf](int64_t ms) { sf.handshake_timeout = std::chrono::milliseconds(ms); },
          "deadline for a connection's whole TLS handshake from its first bytes (a silent "
          "connection is closed after 5 s)")
      ->check(CLI::Range(int64_t{1}, int64_t{60'000}))
      ->default_str("1000");
  serve
      ->add_option("--threads", sf.threads,
                   "connection handlers at start; while all are busy (a client idling after its "
                   "handshake holds one) serve starts more, up to 256")
      ->check(CLI::Range(1, kMaxJobs))
      ->capture_default_str();
  serve->add_option("--ready-file", sf.ready_file,
                    "once listening, write the URL and the CA path (one per line) to this file");
  serve->add_option("--pki-dir", sf.pki_dir,
                    "write the CA and client certificates here (default: a private temp dir, "
                    "removed on exit)");
  add_output_flags(serve, sf.out,
                   {.json = "on exit, write the truth summary as JSON here",
                    .quiet = "no truth line per connection (summary only)"});
}

// `probe`: the in-process clients against a server h2race did not start.
void add_probe_command(CLI::App& app, Cli& cli) {
  ProbeFlags& pf = cli.probe_flags;
  pf.scenario.jobs = cli.run_flags.scenario.jobs;
  pf.scenario.iterations = 1000;
  CLI::App* probe = app.add_subcommand(
      "probe", "the in-process clients against an external server (loopback unless allowed)");
  probe->add_option("url", pf.url, "https://HOST[:PORT]/ of the server (the request is GET /)")
      ->required();
  add_iterations_flag(probe, pf.scenario.iterations, "number of connections");
  add_client_option(probe, pf.scenario, /*in_process_only=*/true);
  add_protocol_flags(probe, pf.scenario, "HTTP version (h1 uses the h1 client)",
                     "TLS version the client offers");
  probe->add_option("--ca", pf.ca, "PEM CA file to trust (default: the system bundle)");
  probe->add_option("--cert", pf.cert, "client certificate PEM to present (with --key)");
  probe->add_option("--key", pf.key, "client private key PEM (with --cert)");
  probe
      ->add_option("--expect", pf.expect,
                   "the class the server really causes (e.g. tls_alert:certificate_required); "
                   "stands in for the truth")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            return is_class_spelling(v) || v == cls::kUnknownTruth
                       ? ""
                       : fmt::format(
                             "'{}' is not a class h2race reports (README: \"What the "
                             "output means\"), e.g. tls_alert:certificate_required",
                             v);
          },
          "CLASS"));
  add_jobs_flag(probe, pf.scenario.jobs, "connections in flight");
  add_client_bound_flags(probe, pf.scenario);
  probe->add_flag("--allow-remote", pf.allow_remote, "allow a target outside 127.0.0.0/8 and ::1");
  add_output_flags(
      probe, pf.out,
      {.json = "write the histogram as JSON to this file",
       .quiet = "do not print the table",
       .explain = "after the table, the first connection of every class as a timeline of the "
                  "client's side only (the server is not h2race's; its events are not seen)",
       .fail_on_divergence = "exit 1 when connections fall in more than one class"});
}

// Every subcommand, once: its name, how it declares its flags, what it checks after parsing
// (what CLI11 cannot express; may be null) and how it runs.
struct Command {
  std::string_view name;
  void (*add)(CLI::App& app, Cli& cli);
  void (*finish)(Cli& cli, const CLI::App& cmd);
  int (*run)(Cli& cli);
};

const Command kCommands[] = {
    {"run", add_run_command,
     [](Cli& c, const CLI::App& cmd) { finish_scenario(c.run_flags.scenario, &cmd); },
     [](Cli& c) { return run_command(c.run_flags); }},
    {"replay", add_replay_command, nullptr, [](Cli& c) { return replay_command(c.replay_flags); }},
    {"soak", add_soak_command,
     [](Cli& c, const CLI::App& cmd) { finish_scenario(c.soak_flags.scenario, &cmd); },
     [](Cli& c) { return soak_command(c.soak_flags); }},
    {"compare", add_compare_command, nullptr,
     [](Cli& c) { return compare_command(c.compare_flags); }},
    {"merge", add_merge_command, nullptr, [](Cli& c) { return merge_command(c.merge_flags); }},
    {"matrix", add_matrix_command, nullptr, [](Cli& c) { return matrix_command(c.matrix_flags); }},
    {"report", add_report_command, nullptr, [](Cli& c) { return report_command(c.report_flags); }},
    {"serve", add_serve_command,
     [](Cli& c, const CLI::App& cmd) { check_server_flags(c.serve_flags.scenario, &cmd); },
     [](Cli& c) { return serve_command(c.serve_flags); }},
    {"probe", add_probe_command,
     [](Cli& c, const CLI::App& cmd) { finish_scenario(c.probe_flags.scenario, &cmd); },
     [](Cli& c) { return probe_command(c.probe_flags); }},
    {"calibrate", add_calibrate_command,
     [](Cli& c, const CLI::App& cmd) {
       CalibrateFlags& f = c.calibrate_flags;
       finish_calibrate_scenario(f.scenario, f.model, f.fit, &cmd);
     },
     [](Cli& c) { return calibrate_command(c.calibrate_flags); }},
    {"classify", add_classify_command, nullptr,
     [](Cli& c) { return classify_command(c.classify_flags); }},
};

// The subcommand CLI11 parsed (require_subcommand(1): there is exactly one).
const Command& parsed_command(const CLI::App& app) {
  const std::string name = app.get_subcommands().front()->get_name();
  for (const Command& c : kCommands) {
    if (c.name == name) return c;
  }
  throw std::logic_error("subcommand " + name + " is not in kCommands");
}

// A user's error found after parsing: "h2race SUBCOMMAND: message" on stderr, exit 2.
int usage_error(const CLI::App& app, const std::exception& e) {
  print_stderr(fmt::format("h2race {}: {}\n", app.get_subcommands().front()->get_name(), e.what()));
  return kExitUsage;
}

bool has_subcommand(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->check_name(name)) return true;
  }
  return false;
}

}  // namespace

CliPtr make_cli() {
  CliPtr cli(std::make_unique<Cli>().release());
  CLI::App& app = cli->app;
  app.name("h2race");
  app.description("h2race: reproduce, measure and fuzz error races on TLS/HTTP2 connections");
  app.require_subcommand(1);
  app.set_version_flag("--version", H2RACE_VERSION);
  for (const Command& c : kCommands) c.add(app, *cli);
  check_every_value(app);
  return cli;
}

std::optional<int> parse_cli(Cli& cli, std::vector<std::string> args) {
  CLI::App& app = cli.app;
  if (!args.empty() && !args[0].empty() && args[0][0] != '-' && !has_subcommand(app, args[0])) {
    print_stderr(
        fmt::format("h2race: unknown subcommand '{}'\nRun with --help for usage.\n", args[0]));
    return kExitUsage;
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector back to front
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_stderr(fmt::format("h2race: {}\nRun with --help for usage.\n", e.what()));
    return kExitUsage;
  }
  try {
    const Command& command = parsed_command(app);
    if (command.finish) command.finish(cli, *app.get_subcommands().front());
  } catch (const UsageError& e) {
    return usage_error(app, e);
  }
  return std::nullopt;
}

int dispatch(Cli& cli) {
  auto run = [&cli] { return parsed_command(cli.app).run(cli); };
  try {
    const int code = run();
    // What a command printed may still sit in stdout's buffer: losing it is a failure too.
    check_stdout();
    return code;
  } catch (const UsageError& e) {
    return usage_error(cli.app, e);
  } catch (const PlanError& e) {
    return usage_error(cli.app, e);
  } catch (const ServerStartError& e) {
    // A real server that did not start (--server, any command): exit 2 with its log's end.
    return usage_error(cli.app, e);
  }
}

}  // namespace h2race::cli
