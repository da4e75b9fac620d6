// The `h2race` binary. Every subcommand and flag is declared here, in one place, with CLI11.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "harness/driver.h"
#include "harness/interrupt.h"
#include "harness/pki.h"
#include "harness/report.h"
#include "harness/scenario.h"

namespace h2race {
namespace {

constexpr int kExitCheckFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInternal = 3;

// CLI11 check: value must be one of an enum's spellings; the error names the allowed ones.
template <typename E>
CLI::Validator one_of() {
  std::string allowed;
  for (const auto& [spelling, v] : spellings<E>()) allowed += (allowed.empty() ? "" : "|") + spelling;
  return CLI::Validator(
      [allowed](std::string& value) -> std::string {
        return parse<E>(value) ? "" : fmt::format("'{}' is not one of {}", value, allowed);
      },
      allowed);
}

template <typename E>
void add_enum_option(CLI::App* app, const std::string& flag, E& target, const std::string& help) {
  app->add_option_function<std::string>(
         flag, [&target](const std::string& v) { target = *parse<E>(v); }, help)
      ->check(one_of<E>())
      ->default_str(std::string(name(target)));
}

// Writes via a temporary file and rename, so a reader never sees half a JSON document.
void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", tmp));
    out << content;
    if (!out.flush()) throw std::runtime_error(fmt::format("cannot write {}", tmp));
  }
  std::filesystem::rename(tmp, path);
}

// A progress line on stderr, only when a person is watching it.
class Progress {
 public:
  Progress(const std::atomic<uint64_t>& done, uint64_t total) : done_(done), total_(total) {
    if (isatty(STDERR_FILENO)) thread_ = std::thread([this] { loop(); });
  }
  ~Progress() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
      std::fputs("\r\033[K", stderr);
    }
  }

 private:
  void loop() {
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const uint64_t d = done_.load();
      fmt::print(stderr, "\r{}/{} iterations  {:.0f} it/s", d, total_, secs > 0 ? d / secs : 0.0);
      std::fflush(stderr);
    }
  }
  const std::atomic<uint64_t>& done_;
  uint64_t total_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

struct RunFlags {
  Scenario scenario;
  std::string json_path;
  bool fail_on_divergence = false;
  bool quiet = false;
};

void add_scenario_flags(CLI::App* cmd, Scenario& s) {
  cmd->add_option("-n,--iterations", s.iterations, "number of iterations (connections)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000'000}))
      ->capture_default_str();
  add_enum_option(cmd, "--proto", s.proto, "HTTP version the client speaks");
  add_enum_option(cmd, "--tls", s.tls, "TLS version of both peers");
  add_enum_option(cmd, "--client-cert", s.client_cert, "certificate the client presents");
  add_enum_option(cmd, "--client", s.client, "client profile (h1 implies --proto h1)");
  add_enum_option(cmd, "--server-close", s.server_close,
                  "what the server does after a failed handshake");
  add_enum_option(cmd, "--key", s.key_type, "key type of every certificate");
  cmd->add_option("--jobs", s.jobs, "client workers (connections in flight)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_flag("--fresh-server", s.fresh_server,
                "a new server (listener, SSL_CTX) per iteration, as the seed program does");
  cmd->add_option_function<int64_t>(
         "--timeout-ms", [&s](int64_t ms) { s.timeout = std::chrono::milliseconds(ms); },
         "bound on each iteration; past it the class is `timeout`")
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}))
      ->default_str("5000");
}

// Resolves flag combinations CLI11 cannot express; returns an error message or "".
std::string finish_scenario(Scenario& s, const CLI::App* cmd) {
  const bool client_given = cmd->count("--client") > 0;
  if (s.client == ClientKind::kH1) {
    if (cmd->count("--proto") > 0 && s.proto == Proto::kH2) {
      return "--client h1 speaks HTTP/1.1; it cannot be combined with --proto h2";
    }
    s.proto = Proto::kH1;
  } else if (s.proto == Proto::kH1) {
    if (client_given) {
      return fmt::format("--client {} speaks HTTP/2; --proto h1 uses the h1 client",
                         name(s.client));
    }
    s.client = ClientKind::kH1;
  }
  return "";
}

int do_run(const RunFlags& f) {
  install_interrupt_handlers();
  const Pki pki(f.scenario.key_type);
  std::atomic<uint64_t> done{0};
  RunRecord run;
  {
    Progress progress(done, f.scenario.iterations);
    run = run_scenario(f.scenario, pki, {.done = &done});
  }
  if (!f.json_path.empty()) write_file_atomically(f.json_path, to_json(run).dump(2) + "\n");
  if (!f.quiet) std::cout << text_table(run) << std::flush;
  if (run.partial && interrupted()) return interrupt_exit_code();
  if (f.fail_on_divergence && run.histogram.divergent()) return kExitCheckFailed;
  return 0;
}

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
  run->add_option("--json", run_flags.json_path, "write the histogram as JSON to this file");
  run->add_flag("--fail-on-divergence", run_flags.fail_on_divergence,
                "exit 1 when iterations fall in more than one class");
  run->add_flag("-q,--quiet", run_flags.quiet, "do not print the table");

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

  if (run->parsed()) {
    if (auto err = finish_scenario(run_flags.scenario, run); !err.empty()) {
      fmt::print(stderr, "h2race run: {}\n", err);
      return kExitUsage;
    }
    if (!run_flags.json_path.empty()) {
      const auto dir = std::filesystem::path(run_flags.json_path).parent_path();
      if (!dir.empty() && !std::filesystem::is_directory(dir)) {
        fmt::print(stderr, "h2race run: --json {}: directory {} does not exist\n",
                   run_flags.json_path, dir.string());
        return kExitUsage;
      }
    }
    return do_run(run_flags);
  }
  return kExitUsage;
}

}  // namespace
}  // namespace h2race

int main(int argc, char** argv) {
  try {
    return h2race::main_impl(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "h2race: internal error: {}\n", e.what());
    return h2race::kExitInternal;
  }
}
