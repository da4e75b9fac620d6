#include "cli/user_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "core/file_error.h"
#include "core/input_file.h"
#include "core/output_file.h"

namespace h2race::cli {
namespace {

// The errno of the first failed write to stdout, 0 if none failed. Atomic: `serve` prints its
// endpoints on the main thread while the server's threads print truth lines.
std::atomic<int> g_stdout_errno{0};

std::string named(const std::string& flag, const std::string& what) {
  return flag.empty() ? what : fmt::format("{}: {}", flag, what);
}

// The path as the writer will reach it: absolute, `.` and `..` and links resolved as far as
// the path exists.
std::filesystem::path resolved(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  if (ec) p = std::filesystem::absolute(path, ec).lexically_normal();
  return p;
}

bool same_target(const std::string& a, const std::string& b) {
  if (a == kStdoutPath || b == kStdoutPath) return a == b;
  std::error_code ec;
  return resolved(a) == resolved(b) || std::filesystem::equivalent(a, b, ec);
}

}  // namespace

void check_output_path(const std::string& flag, const std::string& path) {
  if (path == kStdoutPath) return;
  try {
    check_output_target(path);
  } catch (const FileError& e) {
    throw UsageError(named(flag, e.what()));
  }
}

void check_distinct_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    for (size_t j = i + 1; j < outputs.size(); ++j) {
      const auto& [flag_a, a] = outputs[i];
      const auto& [flag_b, b] = outputs[j];
      if (a.empty() || b.empty() || !same_target(a, b)) continue;
      throw UsageError(a == kStdoutPath
                           ? fmt::format("{} - and {} -: both on stdout would mix them; give one "
                                         "a file",
                                         flag_a, flag_b)
                           : fmt::format("{} {} and {} {} name the same file; each output needs "
                                         "its own",
                                         flag_a, a, flag_b, b));
    }
  }
}

void make_output_dir(const std::string& flag, const std::string& path) {
  try {
    make_output_directory(path);
  } catch (const FileError& e) {
    throw UsageError(named(flag, e.what()));
  }
}

void write_output(const std::string& flag, const std::string& path, std::string_view content,
                  std::optional<mode_t> mode) {
  if (path == kStdoutPath) {
    print_stdout(content);
    check_stdout();
    return;
  }
  try {
    write_output_file(path, content, mode);
  } catch (const FileError& e) {
    throw UsageError(named(flag, e.what()));
  }
}

std::string read_input(const std::string& flag, const std::string& path, size_t max_bytes) {
  try {
    return read_input_file(path, max_bytes);
  } catch (const FileError& e) {
    throw UsageError(named(flag, e.what()));
  }
}

void print_stdout(std::string_view text) {
  std::cout.flush();
  errno = 0;
  const bool ok =
      std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0;
  int none = 0;
  if (!ok) g_stdout_errno.compare_exchange_strong(none, errno != 0 ? errno : EIO);
}

void print_stderr(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), stderr) != text.size()) std::clearerr(stderr);
}

void print_summary(std::string_view text, bool stdout_is_output) {
  if (stdout_is_output) {
    print_stderr(text);
  } else {
    print_stdout(text);
  }
}

void occupy_closed_standard_streams() {
  int closed[3];
  int n = 0;
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) closed[n++] = fd;
  }
  if (n == 0) return;
  // The read end of a pipe whose write end is closed: reads see end of file, writes fail with
  // EBADF. pipe() itself takes the lowest free numbers, which may be the closed streams': the
  // dup2s below put the read end on every one of them, and the write end is then open nowhere.
  int ends[2];
  if (pipe(ends) != 0) return;
  for (int i = 0; i < n; ++i) {
    if (ends[0] != closed[i]) dup2(ends[0], closed[i]);
  }
  for (const int end : ends) {
    if (end > STDERR_FILENO) close(end);
  }
}

void check_stdout() {
  // errno is read after each step: std::cout's flush is itself an fflush of stdout, so a failure
  // shows there first, and the second fflush then has nothing left to fail on.
  errno = 0;
  std::cout.flush();
  int err = errno;
  const bool flushed = std::fflush(stdout) == 0;
  if (err == 0) err = errno;
  const int first_errno = g_stdout_errno.load();
  if (flushed && !std::ferror(stdout) && std::cout.good() && first_errno == 0) return;
  if (first_errno != 0) err = first_errno;
  std::clearerr(stdout);
  throw UsageError(
      fmt::format("cannot write to stdout: {}", err != 0 ? std::strerror(err) : "write error"));
}

}  // namespace h2race::cli
