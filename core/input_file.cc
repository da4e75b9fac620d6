#include "core/input_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/file_error.h"
#include "core/file_kind.h"
#include "core/unique_fd.h"

namespace h2race {

std::string read_input_file(const std::filesystem::path& path, size_t max_bytes) {
  if (path.empty()) throw FileError("empty path");
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever. A link to
  // a regular file is followed: for reading, that is what the user meant.
  const UniqueFd fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd) throw FileError(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) {
    throw FileError(fmt::format("{}: cannot stat: {}", path.string(), std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    throw FileError(
        fmt::format("{} is {}, not a regular file", path.string(), file_kind(st.st_mode)));
  }
  auto too_large = [&] {
    return FileError(
        fmt::format("{} is larger than the limit of {} bytes", path.string(), max_bytes));
  };
  if (static_cast<uint64_t>(st.st_size) > max_bytes) throw too_large();
  // The size may change while we read (a file still being written): the cap holds regardless.
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t used = 0;
  for (;;) {
    if (used == text.size()) {
      if (text.size() > max_bytes) throw too_large();
      text.resize(std::min(max_bytes + 1, std::max<size_t>(4096, text.size() * 2)));
    }
    const ssize_t n = read(fd.get(), text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw FileError(fmt::format("{}: cannot read: {}", path.string(), std::strerror(errno)));
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > max_bytes) throw too_large();
  text.resize(used);
  return text;
}

}  // namespace h2race
