#include "clients/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "core/interrupt.h"
#include "core/unique_fd.h"

extern char** environ;

namespace h2race {
namespace {

struct Pipe {
  UniqueFd read_end, write_end;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
      throw std::runtime_error("pipe: " + std::string(strerror(errno)));
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
  }
};

// Owns the spawn attributes and file actions for one posix_spawn call.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup(int in_fd, int out_fd, int err_fd) {
    posix_spawn_file_actions_init(&actions);
    if (in_fd >= 0) {
      posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    posix_spawnattr_init(&attr);
    // Its own process group (Ctrl-C is ours to handle) and default SIGPIPE (h2race ignores
    // it, and ignored signals are inherited).
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::function<void(const std::string&)>& on_stdout_line,
                          std::chrono::milliseconds per_line, bool ack_lines) {
  Pipe out, err;
  std::optional<Pipe> in;
  if (ack_lines) {
    ignore_sigpipe();
    in.emplace();
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  {
    SpawnSetup setup(in ? in->read_end.get() : -1, out.write_end.get(), err.write_end.get());
    const int rc = posix_spawn(&pid, args[0], &setup.actions, &setup.attr, args.data(), environ);
    if (rc != 0) {
      throw std::runtime_error(fmt::format("cannot start {}: {}", argv[0], std::strerror(rc)));
    }
  }
  out.write_end.reset();
  err.write_end.reset();
  if (in) in->read_end.reset();

  ProcessResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t line_start = 0;
  bool out_open = true, err_open = true;
  bool killed = false;
  while (out_open || err_open) {
    if (!killed) {
      if (interrupted()) result.interrupted = true;
      if (std::chrono::steady_clock::now() >= deadline) result.timed_out = true;
      if (result.interrupted || result.timed_out) {
        // The group: a shell's or a runtime's children would otherwise keep the pipes open.
        kill(-pid, SIGKILL);
        killed = true;
      }
    }
    pollfd fds[2] = {{out_open ? out.read_end.get() : -1, POLLIN, 0},
                     {err_open ? err.read_end.get() : -1, POLLIN, 0}};
    // A short tick, so Ctrl-C and the deadline are noticed while the program is quiet.
    if (poll(fds, 2, 50) < 0 && errno != EINTR) break;
    char buf[4096];
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
    }
    if (on_stdout_line) {
      for (size_t nl; (nl = result.out.find('\n', line_start)) != std::string::npos;) {
        on_stdout_line(result.out.substr(line_start, nl - line_start));
        line_start = nl + 1;
        if (in && !killed) {
          // A child that is gone makes this fail with EPIPE (SIGPIPE ignored, below); its end
          // shows on stdout.
          [[maybe_unused]] const ssize_t written = write(in->write_end.get(), "\n", 1);
        }
        if (per_line.count() > 0) deadline = std::chrono::steady_clock::now() + per_line;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

std::optional<std::filesystem::path> find_program(const std::string& name) {
  auto runnable = [](const std::filesystem::path& p) {
    return std::filesystem::is_regular_file(p) && access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    if (runnable(name)) return std::filesystem::path(name);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    if (!dir.empty() && runnable(std::filesystem::path(dir) / name)) {
      return std::filesystem::path(dir) / name;
    }
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

}  // namespace h2race
