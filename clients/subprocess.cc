// Supervision of the programs h2race runs but did not write (docs/reliability.md, "Supervising
// external programs"): every wait bounded, output capped, the process group and every descendant
// that left it killed and reaped.
#include "clients/subprocess.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "core/beside_binary.h"
#include "core/interrupt.h"
#include "core/unique_fd.h"

extern char** environ;

namespace h2race {
namespace {

using SteadyClock = std::chrono::steady_clock;

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
    // Its own process group (Ctrl-C is ours to handle) and default SIGPIPE and SIGXFSZ (h2race
    // ignores them, and ignored signals are inherited).
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGXFSZ);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// The variable that marks every process one run_process call started, and its descendants
// (they inherit the environment): a daemonising grandchild leaves the process group with
// setsid(), not its environment.
constexpr std::string_view kMarkVariable = "H2RACE_SUPERVISED";

std::string new_mark() {
  static std::atomic<uint64_t> next{0};
  return fmt::format("{}={}-{}", kMarkVariable, getpid(), next.fetch_add(1));
}

// A /proc file of another process, whole, or "" when it cannot be read. With read(2), not a
// stream: the process may exit meanwhile, and libstdc++'s filebuf throws on the read error
// (ESRCH) that then comes.
std::string read_proc_file(const std::string& path) {
  std::string text;
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return text;
  char buf[4096];
  for (ssize_t n; (n = read(fd.get(), buf, sizeof(buf))) > 0;) {
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > (1u << 20)) break;  // an environment is far smaller
  }
  return text;
}

bool has_mark(pid_t pid, const std::string& mark) {
  const std::string environ_text = read_proc_file(fmt::format("/proc/{}/environ", pid));
  for (size_t start = 0; start < environ_text.size();) {
    const size_t end = std::min(environ_text.find('\0', start), environ_text.size());
    if (std::string_view(environ_text).substr(start, end - start) == mark) return true;
    start = end + 1;
  }
  return false;
}

// Every live process that carries the mark.
std::vector<pid_t> marked_processes(const std::string& mark) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (!proc) return found;
  while (const dirent* e = readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (pid > 0 && *end == '\0' && pid != getpid() && has_mark(static_cast<pid_t>(pid), mark)) {
      found.push_back(static_cast<pid_t>(pid));
    }
  }
  closedir(proc);
  return found;
}

// Kills the process group and every marked process that left it, then reaps those that became
// h2race's children (it is their subreaper once their parent is gone). Bounded: a process in
// uninterruptible sleep is left to the kernel after a second.
void kill_everything(pid_t group, const std::string& mark) {
  kill(-group, SIGKILL);
  std::vector<pid_t> escaped = marked_processes(mark);
  for (pid_t p : escaped) kill(p, SIGKILL);
  const auto until = SteadyClock::now() + std::chrono::seconds(1);
  while (!escaped.empty() && SteadyClock::now() < until) {
    std::erase_if(escaped, [group](pid_t p) {
      if (p == group) return true;  // the program itself: the caller reaps it
      const pid_t r = waitpid(p, nullptr, WNOHANG);
      // Reaped, or not ours (its parent, also killed, reaps it, or it was reparented to us and
      // is reaped on a later pass): gone from /proc either way once dead.
      return r == p || (r < 0 && errno == ECHILD && kill(p, 0) != 0);
    });
    if (!escaped.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// The programs run_process started and has not reaped yet: other threads' children, which an
// orphan's reaping must leave alone (their exit status is their caller's).
std::mutex g_children_mu;
std::set<pid_t> g_children;

// Reaps the zombies that became h2race's children as orphans (a descendant that exited after its
// parent, too late to be found by its mark): without this a long run would collect them.
void reap_orphans() {
  std::vector<pid_t> zombies;
  DIR* proc = opendir("/proc");
  if (!proc) return;
  while (const dirent* e = readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    const std::string stat = read_proc_file(fmt::format("/proc/{}/stat", pid));
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the last ')' ends it.
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %ld", &state, &ppid) == 2 && state == 'Z' &&
        ppid == getpid()) {
      zombies.push_back(static_cast<pid_t>(pid));
    }
  }
  closedir(proc);
  std::lock_guard lock(g_children_mu);
  for (pid_t z : zombies) {
    if (!g_children.count(z)) waitpid(z, nullptr, WNOHANG);
  }
}

// Whether pid has exited, without reaping it.
bool has_exited(pid_t pid) {
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

// Orphaned descendants of the programs become h2race's children, so none outlives a run
// unseen; once per process.
void become_subreaper() {
  static const int done = prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL);
  (void)done;
}

// Appends up to `room` bytes of data to s; what does not fit is dropped (but was read).
void append_capped(std::string& s, std::string_view data, size_t cap) {
  if (s.size() < cap) s.append(data.substr(0, cap - s.size()));
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const LineHandler& on_stdout_line, std::chrono::milliseconds per_line,
                          bool ack_lines, const StopRequest& stop_request) {
  become_subreaper();
  Pipe out, err;
  std::optional<Pipe> in;
  if (ack_lines) {
    ignore_sigpipe();
    in.emplace();
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::string mark = new_mark();
  std::vector<char*> env;
  for (char** e = environ; *e; ++e) {
    if (!std::string_view(*e).starts_with(kMarkVariable)) env.push_back(*e);
  }
  env.push_back(mark.data());
  env.push_back(nullptr);
  pid_t pid = 0;
  {
    // Held until the child is registered, so that no other thread reaps it as an orphan first.
    std::lock_guard children(g_children_mu);
    SpawnSetup setup(in ? in->read_end.get() : -1, out.write_end.get(), err.write_end.get());
    const int rc = posix_spawn(&pid, args[0], &setup.actions, &setup.attr, args.data(), env.data());
    if (rc != 0) {
      throw std::runtime_error(fmt::format("cannot start {}: {}", argv[0], std::strerror(rc)));
    }
    g_children.insert(pid);
  }
  out.write_end.reset();
  err.write_end.reset();
  if (in) in->read_end.reset();

  ProcessResult result;
  auto deadline = SteadyClock::now() + timeout;
  std::optional<SteadyClock::time_point> exited_at;
  std::string line;  // the stdout line being read (up to kMaxLineBytes; the rest is dropped)
  uint64_t out_bytes = 0, err_bytes = 0;
  bool out_open = true, err_open = true;
  bool killed = false;
  SteadyClock::time_point killed_at;
  std::optional<SteadyClock::time_point> signalled_at;  // stop_request's signal went out
  int status = 0;
  bool exited = false;  // seen with WNOWAIT: the zombie keeps its pid (and group id) reserved
  auto stop = [&] {
    if (!killed) {
      kill_everything(pid, mark);
      killed_at = SteadyClock::now();
    }
    killed = true;
  };
  auto deliver = [&] {
    if (on_stdout_line && on_stdout_line(line) && per_line.count() > 0) {
      deadline = SteadyClock::now() + per_line;  // an answer: the next one has its own bound
    }
    if (in && !killed) {
      // A child that is gone makes this fail with EPIPE (SIGPIPE ignored); its end shows on
      // stdout.
      [[maybe_unused]] const ssize_t written = write(in->write_end.get(), "\n", 1);
    }
    line.clear();
  };
  while (out_open || err_open) {
    if (!killed) {
      if (interrupted()) result.interrupted = true;
      if (SteadyClock::now() >= deadline) result.timed_out = true;
      if (out_bytes > kMaxOutputBytes || err_bytes > kMaxOutputBytes) result.flooded = true;
      // The program exited but something it started holds its pipes open: what it had printed
      // is read (a short grace), then whatever is left is killed.
      if (exited_at && SteadyClock::now() >= *exited_at + std::chrono::milliseconds(200)) {
        stop();
      }
      if (result.interrupted || result.timed_out || result.flooded) stop();
      if (!killed && stop_request.requested && stop_request.requested->load()) {
        if (!signalled_at) {
          kill(-pid, stop_request.signal);
          signalled_at = SteadyClock::now();
        } else if (SteadyClock::now() >= *signalled_at + stop_request.grace) {
          stop();
        }
      }
    } else if (SteadyClock::now() >= killed_at + std::chrono::seconds(1)) {
      break;  // killed, yet a pipe stays open (a process that cannot die): stop reading
    }
    if (!exited && has_exited(pid)) {
      exited = true;
      exited_at = SteadyClock::now();
    }
    pollfd fds[2] = {{out_open ? out.read_end.get() : -1, POLLIN, 0},
                     {err_open ? err.read_end.get() : -1, POLLIN, 0}};
    // A short tick, so Ctrl-C, the deadline and the program's exit are noticed while it is quiet.
    if (poll(fds, 2, 20) < 0 && errno != EINTR) break;
    char buf[16384];
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      const std::string_view data(buf, static_cast<size_t>(n));
      if (i == 1) {
        err_bytes += data.size();
        append_capped(result.err, data, kMaxStderrKept);
        continue;
      }
      out_bytes += data.size();
      append_capped(result.out, data, kMaxStdoutKept);
      // Each byte is looked at once: a line without a newline is not rescanned on every read.
      for (std::string_view rest = data; !rest.empty();) {
        const size_t nl = rest.find('\n');
        append_capped(line, rest.substr(0, nl), kMaxLineBytes);
        if (nl == std::string_view::npos) break;
        deliver();
        rest.remove_prefix(nl + 1);
      }
    }
  }
  if (!line.empty()) deliver();  // the last line, printed without a newline
  if (!killed && !exited) {
    // Every pipe closed before the exit was seen: the program is exiting (or it closed its
    // output and goes on: the deadline still holds).
    auto stop_requested = [&] { return stop_request.requested && stop_request.requested->load(); };
    while (!exited && SteadyClock::now() < deadline && !interrupted() && !stop_requested()) {
      exited = has_exited(pid);
      if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!exited && !stop_requested()) {
      result.timed_out = SteadyClock::now() >= deadline;
      result.interrupted = interrupted();
    }
  }
  // Whatever it left running (its group, daemonised descendants) does not outlive it. The
  // program itself is not reaped yet, so its group id cannot name another process group.
  stop();
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  {
    std::lock_guard lock(g_children_mu);
    g_children.erase(pid);
  }
  reap_orphans();
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

std::optional<std::filesystem::path> find_built_program(const std::string& name) {
  if (name.find('/') == std::string::npos) {
    if (const auto bin = own_binary_dir()) {
      for (const auto& dir : {*bin, bin->parent_path()}) {
        if (auto p = find_program((dir / name).string())) return p;
      }
    }
  }
  return find_program(name);
}

}  // namespace h2race
