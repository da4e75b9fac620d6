#include "cli/user_files.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/commands.h"
#include "core/file_error.h"
#include "core/input_file.h"
#include "core/output_file.h"

namespace h2race::cli {
namespace {

// The errno of the first failed write to stdout, 0 if none failed.
int g_stdout_errno = 0;

std::string named(const std::string& flag, const std::string& what) {
  return flag.empty() ? what : fmt::format("{}: {}", flag, what);
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
  if (!ok && g_stdout_errno == 0) g_stdout_errno = errno != 0 ? errno : EIO;
}

void check_stdout() {
  // errno is read after each step: std::cout's flush is itself an fflush of stdout, so a failure
  // shows there first, and the second fflush then has nothing left to fail on.
  errno = 0;
  std::cout.flush();
  int err = errno;
  const bool flushed = std::fflush(stdout) == 0;
  if (err == 0) err = errno;
  if (flushed && !std::ferror(stdout) && std::cout.good() && g_stdout_errno == 0) return;
  if (g_stdout_errno != 0) err = g_stdout_errno;
  std::clearerr(stdout);
  throw UsageError(
      fmt::format("cannot write to stdout: {}", err != 0 ? std::strerror(err) : "write error"));
}

}  // namespace h2race::cli
