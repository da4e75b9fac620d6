// The subcommands behind `h2race`: cli_app.cc declares their flags (kCommands there lists them),
// these functions run what was parsed.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/run_record.h"
#include "core/scenario.h"
#include "core/timeline.h"
#include "harness/iteration_log.h"
#include "harness/packet_capture.h"
#include "harness/run_plan.h"

// Only the parser (cli_app.cc, scenario_flags.cc) needs CLI11 itself: it is a heavy header, and
// the command files do not include it.
namespace CLI {
class App;
class Option;
}  // namespace CLI
namespace h2race {
struct ClientKindInfo;
}

namespace h2race::cli {

inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

// A user error found after parsing (bad file, bad combination): message on stderr, exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Flag groups, each declared once and composed per subcommand in cli_app.cc.

// Which optional groups add_scenario_flags declares (calibrate names its clients otherwise).
struct ScenarioFlagSet {
  bool iterations = true;
  bool client = true;
};
// Declares the scenario flags of `run` (docs/usage.md) on cmd, writing into s.
void add_scenario_flags(CLI::App* cmd, Scenario& s, ScenarioFlagSet which = {});
// -n,--iterations and --jobs, with the command's own words for them.
void add_iterations_flag(CLI::App* cmd, uint64_t& n, const std::string& help);
void add_jobs_flag(CLI::App* cmd, int& jobs, const std::string& help);
// --proto and --tls, which say what they mean to the command.
void add_protocol_flags(CLI::App* cmd, Scenario& s, std::string_view proto_help,
                        std::string_view tls_help);
// The server's flags (--proto, --tls, --server-close, --server-read, --key, --linger-ms), for
// `run`'s scenario flags and for `serve`.
void add_server_flags(CLI::App* cmd, Scenario& s, std::string_view proto_help,
                      std::string_view tls_help);
// Refuses a server flag the scenario never reads (--linger-ms without linger); throws UsageError.
void check_server_flags(const Scenario& s, const CLI::App* cmd);
// Declares --timeout-ms and --alert-grace-ms (shared by run and probe).
void add_client_bound_flags(CLI::App* cmd, Scenario& s);
// Declares --go-NAME-us for every field of the Go model's timing.
void add_go_timing_flags(CLI::App* cmd, Scenario& s);
// Declares --client (every kind in clients/client_kinds.cc, or the in-process ones only).
void add_client_option(CLI::App* cmd, Scenario& s, bool in_process_only);
// "\n  NAME  help" for each client kind keep() accepts (every one for null): --client's help.
std::string client_help_list(bool (*keep)(const ClientKindInfo&));
// Declares --client-def FILE: the definition is read and added when parsed, then loaded(name it
// declares, file) runs; a malformed one is a parse error naming the flag, FILE:LINE and why.
CLI::Option* add_client_def_option(
    CLI::App* cmd, const std::string& help,
    std::function<void(const std::string& name, const std::string& file)> loaded);

// What a command writes besides its table: --json, -q, --explain, --pcap, --fail-on-divergence.
struct OutputFlags {
  std::string json_path;
  bool quiet = false;
  bool explain = false;
  std::string pcap_path;  // given implies explain: the capture holds the explained connections
  bool fail_on_divergence = false;
  std::string log_path;  // --log: one JSON line per iteration
};
// The help of each output flag a command has; a null one is a flag the command does not take.
struct OutputFlagHelp {
  const char* json = nullptr;
  const char* quiet = nullptr;
  const char* explain = nullptr;
  const char* pcap = nullptr;
  const char* fail_on_divergence = nullptr;
  const char* log = nullptr;
};
void add_output_flags(CLI::App* cmd, OutputFlags& out, const OutputFlagHelp& help);
// Refuses --json and --pcap naming one target (check_distinct_outputs); called before anything
// runs.
void check_output_flags(const OutputFlags& out);
// Refuses `--json -` when stdout also gets `what` (a table, a report): the JSON would not parse.
// quiet_frees_it: -q leaves stdout to the JSON (run, probe).
void check_json_stdout(const OutputFlags& out, std::string_view what, bool quiet_frees_it);
// --log FILE opened (truncated) before anything runs; null without --log. Exit 2 naming --log
// when it cannot be written, or for `-` (stdout has the table).
std::unique_ptr<IterationLog> open_iteration_log(const OutputFlags& out);
// Closes the log once the table is out; exit 2 naming --log and the reason when a line could not
// be written. Nothing to do for null.
void finish_iteration_log(IterationLog* log);

// Resolves combinations CLI11 cannot express (h1 client vs. h2 proto); throws UsageError.
void finish_scenario(Scenario& s, const CLI::App* cmd);
// calibrate's run flags, checked as finish_scenario checks run's: a server flag the server never
// reads, an --alert-grace-ms or --go-*-us the --model never reads, a --go-*-us with --fit (whose
// grid sets every field: --fit-NAME-us holds one); throws UsageError.
void finish_calibrate_scenario(Scenario& s, const std::string& model, bool fit,
                               const CLI::App* cmd);
// Parses "--proto h1 --client go ..." (a schedule's scenario header) onto s; throws UsageError.
void parse_scenario_text(const std::string& flags, Scenario& s, const std::string& where);

struct RunFlags {
  Scenario scenario;
  std::string schedule_path;
  OutputFlags out;
  // Each process of the program first makes this many requests, not counted (RunPlan::warm_up).
  uint64_t warm_up = 0;
};
int run_command(RunFlags& flags);

// --pcap: opened before anything runs (exit 2 naming --pcap when the process may not capture);
// write() puts the example connections' packets and key logs in a pcapng file.
class PcapOutput {
 public:
  // stdout_busy: the command prints to stdout, so `--pcap -` would mix text and capture.
  PcapOutput(const std::string& path, bool fresh_server, bool stdout_busy);
  PacketCapture* capture() { return capture_.get(); }
  void write(const Examples& examples);

 private:
  std::string path_;
  std::unique_ptr<PacketCapture> capture_;
};

// --warm-up N: sets plan.warm_up; N > 0 for a client that is not a program answering in lines
// is a UsageError naming `who` (its flag and name as the command spells them).
void apply_warm_up(RunPlan& plan, uint64_t warm_up, std::string_view who);

// Before the first iteration: the note go_model_jobs_caveat has for the plan's client, if any, and
// what --warm-up costs with --fresh-server.
void print_plan_caveat(std::string_view command, const RunPlan& plan);

// The end of a command that ran iterations (run, probe): the table unless -q (examples_note
// before the examples), the JSON, the capture; then the exit code: an interrupt's, 1 for a
// schedule that did not hold or for --fail-on-divergence, else 0. `command` and `unit` name them
// in the messages ("run", "iterations").
int finish_run(std::string_view command, std::string_view unit, const RunRecord& run,
               const OutputFlags& out, std::string_view examples_note = "",
               PcapOutput* pcap = nullptr);

struct ReplayFlags {
  std::vector<std::string> files;
  uint64_t times = 20;
  OutputFlags out;  // -q, --explain, --pcap
};
int replay_command(const ReplayFlags& flags);

struct SoakFlags {
  Scenario scenario;  // its iterations are the soak's total
  uint64_t chunk = 50'000;
};
int soak_command(const SoakFlags& flags);

struct CompareFlags {
  std::string baseline, current;
  double alpha = 0.001;
  bool force = false;
  OutputFlags out;  // --json
};
int compare_command(const CompareFlags& flags);

struct MergeFlags {
  std::vector<std::string> inputs;
  std::string out;
};
int merge_command(const MergeFlags& flags);

struct MatrixFlags {
  uint64_t iterations = 2000;
  uint64_t external_iterations = 1000;  // cap for the external programs' scenarios
  int jobs = 2;
  std::string out_dir = "matrix";
  bool zoo = false;      // the client zoo (run/matrix.h zoo_matrix) instead of the built-in set
  bool servers = false;  // the server zoo (servers_matrix): also servers.md and servers.svg
};
int matrix_command(const MatrixFlags& flags);

struct ReportFlags {
  std::vector<std::string> inputs;
  std::string md_path, svg_path;
  std::string servers_md_path;  // the server zoo's table (analysis/servers_report.h)
};
int report_command(const ReportFlags& flags);

struct ServeFlags {
  std::string address = "127.0.0.1";
  uint16_t port = 0;
  Scenario scenario;  // its server side: proto, tls, key, server_close, server_read, linger
  int threads = 4;
  // Bound on each read of a handshake: a client that connects and stalls frees its thread then.
  std::chrono::milliseconds handshake_timeout{1000};
  std::string ready_file, pki_dir;
  OutputFlags out;  // --json, -q
};
int serve_command(const ServeFlags& flags);

struct CalibrateFlags {
  Scenario scenario;  // the run flags; --model and --against name the two clients
  std::string model = "go1.19";
  std::string against;  // empty: the program whose definition says `modeled-by <model>`
  uint64_t batches = 10;
  double alpha = 0.001;
  // Each real process's first answers not counted (RunPlan::warm_up). Unset: kDefaultWarmUp for a
  // program that answers lines (a long-lived process), 0 for one that answers exit-status.
  std::optional<uint64_t> warm_up;
  OutputFlags out;   // --json, --explain (the model's connections only: the real program is
                     // another process)
  bool fit = false;  // search the go model's timing on the grid below instead of one comparison
  // --fit's grid: the values tried for each timing field, in kGoTimingFields' order (preface,
  // handoff, headers, read-loop, spin, off-cpu); --fit-NAME-us sets one list.
  std::array<std::vector<int>, std::size(kGoTimingFields)> fit_grid{
      {{0, 10}, {5, 15}, {10, 30}, {0}, {50}, {0, 20, 30}}};
};
// The model claims a long-lived Go program; a Go process's first ~100 answers differ from its later
// ones (docs/go-model.md, "Measured with the iteration log").
inline constexpr uint64_t kDefaultWarmUp = 100;
int calibrate_command(CalibrateFlags& flags);

struct ClassifyFlags {
  std::string client;      // an external program's name (--client, or --client-def's declared one)
  std::string client_def;  // --client-def's file, to name it in errors; empty with --client
  std::string answers;     // the file of its answer lines
};
int classify_command(const ClassifyFlags& flags);

struct ProbeFlags {
  Scenario scenario;
  std::string url, ca, cert, key, expect;
  bool allow_remote = false;
  OutputFlags out;  // --explain records the client's side only: the server is someone else's
};
int probe_command(ProbeFlags& flags);

}  // namespace h2race::cli
