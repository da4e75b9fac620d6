// `h2race serve`: the in-process server alone, for any client a user brings. It prints the URL
// and where the CA is, logs the truth of every connection, and on SIGINT/SIGTERM prints the truth
// summary (and writes it as JSON) and exits 0: stopping is how a serve session ends.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.h"
#include "cli/user_files.h"
#include "core/file_error.h"
#include "core/interrupt.h"
#include "core/loopback.h"
#include "core/pki.h"
#include "core/pki_files.h"
#include "core/truth_table.h"
#include "servers/mtls_server.h"

namespace h2race::cli {

namespace {

// What a client needs to connect: the URL, the CA, the server's and the clients' PEM files.
void print_endpoints(const std::string& url, const PkiFiles& files) {
  print_stdout(fmt::format("url {}\nca {}\nserver-cert {} {}\n", url, files.ca().string(),
                           files.server_cert().string(), files.server_key().string()));
  for (const auto& [spelling, which] : spellings<ClientCert>()) {
    if (which == ClientCert::kNone) continue;
    print_stdout(fmt::format("client-cert {} {} {}\n", spelling, files.cert(which).string(),
                             files.key(which).string()));
  }
}

// Prints the truth summary and returns it as JSON.
nlohmann::json summarize(const std::string& url, const std::map<std::string, uint64_t>& summary) {
  nlohmann::json j = {{"url", url}, {"connections", 0}, {"truth", nlohmann::json::object()}};
  uint64_t total = 0;
  std::string text;
  for (const auto& [cls, n] : summary) {
    total += n;
    j["truth"][cls] = n;
    text += fmt::format("  {:>8}  {}\n", n, cls);
  }
  j["connections"] = total;
  print_stdout(fmt::format("summary: {} connections\n{}", total, text));
  return j;
}

// --pki-dir must be an existing directory (the user's, kept): says which of the two it is not.
void check_pki_dir(const std::string& dir) {
  std::error_code ec;
  const auto status = std::filesystem::status(dir, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    throw UsageError(fmt::format("--pki-dir {}: does not exist", dir));
  }
  if (ec) throw UsageError(fmt::format("--pki-dir {}: {}", dir, ec.message()));
  if (status.type() != std::filesystem::file_type::directory) {
    throw UsageError(fmt::format("--pki-dir {}: not a directory", dir));
  }
}

// Rejects bad flags before anything is started: a UsageError names the flag.
void check_serve_flags(const ServeFlags& f) {
  if (!is_loopback(f.address)) {
    throw UsageError(
        fmt::format("--address {}: h2race listens on loopback only (127.0.0.0/8, ::1)", f.address));
  }
  check_distinct_outputs({{"--ready-file", f.ready_file}, {"--json", f.out.json_path}});
  check_json_stdout(f.out, "the server's url and summary lines", /*quiet_frees_it=*/false);
  if (!f.ready_file.empty()) check_output_path("--ready-file", f.ready_file);
  if (!f.out.json_path.empty()) check_output_path("--json", f.out.json_path);
  if (!f.pki_dir.empty()) check_pki_dir(f.pki_dir);
}

// The PKI files, or a UsageError naming --pki-dir when one cannot be written (a planted link, a
// full disk): the directory is the user's.
std::unique_ptr<PkiFiles> write_pki_files(const Pki& pki, const std::string& dir) {
  try {
    return std::make_unique<PkiFiles>(pki, dir);
  } catch (const FileError& e) {
    throw UsageError(fmt::format("--pki-dir {}: {}", dir, e.what()));
  }
}

}  // namespace

int serve_command(const ServeFlags& f) {
  check_serve_flags(f);

  install_interrupt_handlers();
  ignore_sigpipe();
  const Pki pki(f.scenario.key_type);
  const std::unique_ptr<PkiFiles> pki_files = write_pki_files(pki, f.pki_dir);
  const PkiFiles& files = *pki_files;

  std::mutex mu;  // one log line at a time; the summary is read after the server stopped
  std::map<std::string, uint64_t> summary;
  TruthTable truth(
      [&](const ConnKey& key, const std::string& cls) {
        std::lock_guard lock(mu);
        ++summary[cls];
        if (!f.out.quiet) print_stdout(fmt::format("truth {} {}\n", to_string(key), cls));
      },
      /*retain=*/false);

  ServerOptions opts = server_options(f.scenario, f.threads);
  opts.bind_address = f.address;
  opts.port = f.port;
  opts.guard_idle_clients = true;
  opts.handshake_timeout = f.handshake_timeout;
  std::optional<MtlsServer> server;
  try {
    server.emplace(pki, opts, &truth);
  } catch (const std::runtime_error& e) {
    throw UsageError(fmt::format("--port {}: {}", f.port, e.what()));
  }

  const bool v6 = f.address.find(':') != std::string::npos;
  const std::string url =
      fmt::format("https://{}:{}/", v6 ? "[" + f.address + "]" : f.address, server->port());
  print_endpoints(url, files);
  if (!f.ready_file.empty()) {
    write_output("--ready-file", f.ready_file, fmt::format("{}\n{}\n", url, files.ca().string()));
  }

  while (!interrupted()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  server.reset();  // joins the server's threads: every connection is in the summary

  const nlohmann::json j = summarize(url, summary);
  // The ready file goes first: it says a server is listening, which is no longer true.
  if (!f.ready_file.empty() && f.ready_file != kStdoutPath) std::filesystem::remove(f.ready_file);
  if (!f.out.json_path.empty()) write_output("--json", f.out.json_path, j.dump(2) + "\n");
  return 0;
}

}  // namespace h2race::cli
