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
    std::cout.flush();
    if (std::fwrite(content.data(), 1, content.size(), stdout) != content.size()) check_stdout();
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

void check_stdout() {
  std::cout.flush();
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  if (flushed && !std::ferror(stdout) && std::cout.good()) return;
  const int err = errno;
  std::clearerr(stdout);
  throw UsageError(
      fmt::format("cannot write to stdout: {}", err != 0 ? std::strerror(err) : "write error"));
}

}  // namespace h2race::cli
