#include "core/output_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "core/file_error.h"
#include "core/file_kind.h"
#include "core/unique_fd.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

std::string os_reason() { return std::strerror(errno); }

fs::path directory_of(const fs::path& path) {
  const fs::path dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

// The target's current state: nothing there, or a regular file and its mode. Anything else is
// refused: renaming over a device node or a FIFO would destroy it, over a symlink would silently
// replace the link the user meant to write through.
std::optional<mode_t> existing_regular_mode(const fs::path& path) {
  if (path.empty()) throw FileError("empty path");
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw FileError(fmt::format("{}: {}", path.string(), os_reason()));
  }
  if (!S_ISREG(st.st_mode)) {
    throw FileError(fmt::format("{} is {}; h2race replaces regular files only", path.string(),
                                file_kind(st.st_mode)));
  }
  return st.st_mode & 07777;
}

void check_directory(const fs::path& dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) {
    throw FileError(fmt::format("directory {}: {}", dir.string(), os_reason()));
  }
  if (!S_ISDIR(st.st_mode)) throw FileError(fmt::format("{} is not a directory", dir.string()));
}

// A temporary file next to the target, under a name nobody can predict, created exclusively and
// without following a link: whatever is planted in the directory is never opened.
struct TempFile {
  fs::path path;
  UniqueFd fd;
};

TempFile create_temp(const fs::path& target, mode_t create_mode) {
  static std::atomic<uint64_t> counter{0};
  std::random_device random;
  const fs::path dir = directory_of(target);
  for (int attempt = 0; attempt < 100; ++attempt) {
    TempFile t;
    t.path = dir / fmt::format(".{}.{}-{:08x}{:08x}.tmp", target.filename().string(), getpid(),
                               random(), counter.fetch_add(1));
    t.fd.reset(
        open(t.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, create_mode));
    if (t.fd) return t;
    if (errno != EEXIST) {
      throw FileError(fmt::format("cannot create a file in {}: {}", dir.string(), os_reason()));
    }
  }
  throw FileError(fmt::format("cannot create a file in {}: no free temporary name", dir.string()));
}

void write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw FileError(fmt::format("write: {}", n < 0 ? os_reason() : "no progress"));
    content.remove_prefix(static_cast<size_t>(n));
  }
}

// After the rename, the directory entry itself must reach the disk for the new file to survive
// a crash. File systems that cannot sync a directory say EINVAL: nothing more can be done there.
void sync_directory(const fs::path& dir) {
  const UniqueFd d(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d && fsync(d.get()) != 0 && errno != EINVAL) {
    throw FileError(fmt::format("fsync {}: {}", dir.string(), os_reason()));
  }
}

}  // namespace

void check_output_target(const fs::path& path) {
  existing_regular_mode(path);
  check_directory(directory_of(path));
}

void make_output_directory(const fs::path& path) {
  if (path.empty()) throw FileError("empty path");
  if (mkdir(path.c_str(), 0777) == 0) return;
  if (errno != EEXIST)
    throw FileError(fmt::format("cannot create {}: {}", path.string(), os_reason()));
  // mkdir does not follow a link at path (EEXIST even for a dangling one), and lstat neither.
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0)
    throw FileError(fmt::format("{}: {}", path.string(), os_reason()));
  if (!S_ISDIR(st.st_mode)) {
    throw FileError(fmt::format("{} is {}; h2race writes into a real directory only", path.string(),
                                file_kind(st.st_mode)));
  }
}

void write_output_file(const fs::path& path, std::string_view content, std::optional<mode_t> mode) {
  const std::optional<mode_t> existing = existing_regular_mode(path);
  check_directory(directory_of(path));
  const std::optional<mode_t> exact = mode ? mode : existing;
  // A requested mode is the creation mode too, so a key is never readable by others, not even
  // before the chmod; a new file without one gets 0666 less the umask, as any tool's would.
  TempFile temp = create_temp(path, exact.value_or(0666) & 0777);
  try {
    if (exact && fchmod(temp.fd.get(), *exact) != 0) {
      throw FileError(fmt::format("chmod: {}", os_reason()));
    }
    write_all(temp.fd.get(), content);
    if (fsync(temp.fd.get()) != 0) throw FileError(fmt::format("fsync: {}", os_reason()));
    if (close(temp.fd.release()) != 0) throw FileError(fmt::format("close: {}", os_reason()));
    if (rename(temp.path.c_str(), path.c_str()) != 0) {
      throw FileError(fmt::format("rename to {}: {}", path.string(), os_reason()));
    }
  } catch (const FileError& e) {
    unlink(temp.path.c_str());
    throw FileError(fmt::format("cannot write {}: {}", path.string(), e.what()));
  }
  sync_directory(directory_of(path));
}

}  // namespace h2race
