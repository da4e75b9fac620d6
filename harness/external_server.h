// A real server program h2race starts from its definition (core/server_definition.h) and stops:
// on 127.0.0.1 at a free port, with the run's PKI and its config files in a private directory,
// its whole process tree supervised like an external client's (clients/subprocess.h). Nothing it
// started outlives the object, and a server that listens anywhere but loopback is stopped at once.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "clients/subprocess.h"
#include "core/pki.h"
#include "core/pki_files.h"
#include "core/server_definition.h"

namespace h2race {

// The server did not start (it exited, never accepted on its port in time, or listened beyond
// loopback); what() says which and ends with the tail of what it printed and its log files.
struct ServerStartError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ExternalServer {
 public:
  // Starts def's program (found at program) and waits until its port accepts. knob: a name of
  // def.knobs, or empty. Throws ServerStartError.
  ExternalServer(const ServerDefinition& def, const std::filesystem::path& program, const Pki& pki,
                 const std::string& knob = {});
  ~ExternalServer();  // stop()
  ExternalServer(const ExternalServer&) = delete;
  ExternalServer& operator=(const ExternalServer&) = delete;

  uint16_t port() const { return port_; }
  const sockaddr_storage& address() const { return addr_; }
  socklen_t address_len() const { return sizeof(sockaddr_in); }
  // The run's private directory: the PKI files, the rendered config, the server's logs.
  const std::filesystem::path& dir() const { return files_.dir(); }
  // Stops the program (its stop signal, then SIGKILL after the grace) and reaps its whole tree.
  // Idempotent. Returns what it printed.
  const ProcessResult& stop();
  // Whether the program exited by itself (it crashed, or stopped serving) before stop().
  bool exited_early() const { return finished_.load(); }

 private:
  std::string failure(const std::string& what);

  const ServerDefinition& def_;
  PkiFiles files_;
  uint16_t port_ = 0;
  sockaddr_storage addr_{};
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> finished_{false};
  ProcessResult result_;
  std::thread thread_;
  bool stopped_ = false;
};

// The listening TCP sockets of processes whose environment holds `entry` (NAME=value: what a
// server and everything it starts inherit) that are not on a loopback address, as "ADDRESS port
// PORT" texts (from /proc/net/tcp and tcp6, and the processes' open sockets): a server must have
// none. Other programs' listeners (another test's, the machine's own) are not its.
std::vector<std::string> non_loopback_listeners_of(const std::string& entry);

// Finds def.program ({dir} filled in): a path as is, or a name in $PATH.
std::optional<std::filesystem::path> find_server_program(const ServerDefinition& def);

// What def's version-argv prints first (bounded to a few seconds), or "" without one.
std::string server_version(const ServerDefinition& def, const std::filesystem::path& program);

}  // namespace h2race
