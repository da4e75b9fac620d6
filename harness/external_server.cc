#include "harness/external_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/input_file.h"
#include "core/interrupt.h"
#include "core/output_file.h"
#include "core/printable.h"
#include "core/unique_fd.h"

namespace h2race {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The bound on the server process as a whole: far beyond any run, only a backstop (a run stops
// it when done, and Ctrl-C kills it at once).
constexpr std::chrono::hours kServerLifetime{48};
// The last bytes of its output and of each log file that a failed start shows.
constexpr size_t kTailBytes = 2048;

sockaddr_in loopback_address(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// A port no one listens on now: the kernel's choice for a socket bound to port 0, which the server
// binds a moment later. Another program could take it in between (the kernel hands ephemeral
// ports out in turn, so this is rare); the server then fails to bind and its start fails with
// what it printed, unless the readiness check connected to the other program first.
uint16_t free_loopback_port() {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a = loopback_address(0);
  socklen_t len = sizeof(a);
  if (!fd || bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw ServerStartError("cannot find a free port on 127.0.0.1");
  }
  return ntohs(a.sin_port);
}

bool accepts(uint16_t port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in a = loopback_address(port);
  return fd && connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof(a)) == 0;
}

std::string tail(std::string_view text) {
  if (text.size() > kTailBytes) text.remove_prefix(text.size() - kTailBytes);
  return printable(text);
}

// "0100007F:1F90" (little-endian IPv4 as /proc prints it) or the 32-hex-digit IPv6 form.
bool is_loopback_hex(std::string_view addr) {
  if (addr.size() == 8) return addr.substr(6, 2) == "7F";  // 127.x.y.z
  return addr == "00000000000000000000000001000000" ||     // ::1
         (addr.starts_with("0000000000000000FFFF0000") && addr.substr(30, 2) == "7F");
}

}  // namespace

std::vector<std::string> non_loopback_listeners_of(const std::string& entry) {
  // The non-loopback listening sockets, by inode.
  std::map<std::string, std::string> listening;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      words >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      if (state != "0A") continue;  // TCP_LISTEN
      const size_t colon = local.find(':');
      if (colon == std::string::npos || is_loopback_hex(local.substr(0, colon))) continue;
      listening[inode] = fmt::format("{} port {}", local.substr(0, colon),
                                     std::stoul(local.substr(colon + 1), nullptr, 16));
    }
  }
  std::set<std::string> found;
  if (listening.empty()) return {};
  // Which of them a process with the entry holds open.
  std::error_code ec;
  for (const auto& proc : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string pid = proc.path().filename().string();
    if (pid.empty() || pid[0] < '0' || pid[0] > '9') continue;
    std::string environ_text;
    try {
      environ_text = read_input_file(proc.path() / "environ", 1 << 20);
    } catch (const std::exception&) {
      continue;  // gone, or not readable
    }
    if ((std::string(1, '\0') + environ_text).find('\0' + entry + '\0') == std::string::npos) {
      continue;
    }
    for (const auto& fd : std::filesystem::directory_iterator(proc.path() / "fd", ec)) {
      const std::string target = std::filesystem::read_symlink(fd.path(), ec).string();
      if (!target.starts_with("socket:[")) continue;
      const auto it = listening.find(target.substr(8, target.size() - 9));
      if (it != listening.end()) found.insert(it->second);
    }
  }
  return {found.begin(), found.end()};
}

std::optional<std::filesystem::path> find_server_program(const ServerDefinition& def) {
  return find_built_program(fill_server_placeholders(def.program, {{"dir", def.dir}}, false));
}

std::string server_version(const ServerDefinition& def, const std::filesystem::path& program) {
  if (def.version_argv.empty()) return "";
  std::vector<std::string> argv;
  for (const auto& w : def.version_argv) {
    argv.push_back(
        fill_server_placeholders(w, {{"program", program.string()}, {"dir", def.dir}}, false));
  }
  const ProcessResult p = run_process(argv, std::chrono::seconds(5));
  const std::string& text = p.out.empty() ? p.err : p.out;
  return printable(text.substr(0, text.find('\n')));
}

ExternalServer::ExternalServer(const ServerDefinition& def, const std::filesystem::path& program,
                               const Pki& pki, const std::string& knob)
    : def_(def), files_(pki) {
  port_ = free_loopback_port();
  const sockaddr_in a = loopback_address(port_);
  std::memcpy(&addr_, &a, sizeof(a));
  std::string knob_text, mtls = def.mtls;
  if (!knob.empty()) {
    const auto k = def.knobs.find(knob);
    if (k == def.knobs.end()) throw std::invalid_argument("no knob " + knob);
    knob_text = k->second.text;
    mtls = k->second.mtls.value_or(mtls);
  }
  const std::map<std::string, std::string> values{{"program", program.string()},
                                                  {"dir", def.dir},
                                                  {"tmp", files_.dir().string()},
                                                  {"host", "127.0.0.1"},
                                                  {"port", std::to_string(port_)},
                                                  {"cert", files_.server_cert().string()},
                                                  {"key", files_.server_key().string()},
                                                  {"ca", files_.ca().string()},
                                                  {"mtls", mtls},
                                                  {"knob", knob_text},
                                                  {"alpn", "h2,http/1.1"},
                                                  {"pem", (files_.dir() / "server.pem").string()}};
  // The certificate and its key in one file, for servers that read them so (HAProxy).
  write_output_file(files_.dir() / "server.pem",
                    read_input_file(files_.server_cert(), 1 << 20) +
                        read_input_file(files_.server_key(), 1 << 20),
                    0600);
  for (const auto& [name, body] : def.files) {
    // The files may hold {mtls} and {knob}, whose texts may hold placeholders of their own.
    write_output_file(
        files_.dir() / name,
        fill_server_placeholders(fill_server_placeholders(body, values, true), values, true), 0600);
  }
  // A mark in the environment of the server and everything it starts, by which its listening
  // sockets are told from other programs'.
  static std::atomic<uint64_t> next_run{0};
  const std::string mark = fmt::format("H2RACE_SERVER_RUN={}-{}", getpid(), next_run++);
  std::vector<std::string> argv{"/usr/bin/env", mark};
  for (const auto& w : def.argv) argv.push_back(fill_server_placeholders(w, values, false));

  thread_ = std::thread([this, argv] {
    result_ = run_process(argv, kServerLifetime, {}, std::chrono::milliseconds(0), false,
                          {&stop_requested_, def_.stop_signal, def_.stop_grace});
    finished_ = true;
  });
  const auto deadline = SteadyClock::now() + def.start_timeout;
  for (;;) {
    if (finished_) throw ServerStartError(failure("it exited before it accepted on its port"));
    if (interrupted()) throw ServerStartError(failure("interrupted while it was starting"));
    if (accepts(port_)) break;
    if (SteadyClock::now() >= deadline) {
      throw ServerStartError(failure(fmt::format("its port {} accepted nothing within {} ms", port_,
                                                 def.start_timeout.count())));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::vector<std::string> added = non_loopback_listeners_of(mark);
  if (!added.empty()) {
    std::string list;
    for (const auto& l : added) list += (list.empty() ? "" : ", ") + l;
    throw ServerStartError(failure(
        fmt::format("it listens beyond loopback ({}): stopped; bind it to {{host}}", list)));
  }
}

ExternalServer::~ExternalServer() { stop(); }

const ProcessResult& ExternalServer::stop() {
  if (!stopped_) {
    stopped_ = true;
    stop_requested_ = true;
    if (thread_.joinable()) thread_.join();
  }
  return result_;
}

std::string ExternalServer::failure(const std::string& what) {
  const bool died = finished_.load();  // by itself, before anyone asked it to stop
  const ProcessResult& p = stop();
  std::string text = fmt::format("server {}: {}", def_.name, what);
  if (died) {
    text += p.term_signal ? fmt::format(" (signal {})", p.term_signal)
                          : fmt::format(" (exit {})", p.exit_code);
  }
  if (!p.err.empty()) text += "\n--- its stderr (end) ---\n" + tail(p.err);
  if (!p.out.empty()) text += "\n--- its stdout (end) ---\n" + tail(p.out);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(files_.dir(), ec)) {
    if (entry.path().extension() != ".log") continue;
    try {
      const std::string log = read_input_file(entry.path(), 1 << 20);
      if (log.empty()) continue;
      text += fmt::format("\n--- {} (end) ---\n{}", entry.path().filename().string(), tail(log));
    } catch (const std::exception&) {
    }
  }
  return text;
}

}  // namespace h2race
