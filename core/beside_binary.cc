#include "core/beside_binary.h"

#include <cstdlib>
#include <system_error>

namespace h2race {

std::optional<std::filesystem::path> own_binary_dir() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  return self.parent_path();
}

std::optional<std::filesystem::path> shipped_dir(const char* env_var,
                                                 const std::filesystem::path& rel) {
  if (const char* env = std::getenv(env_var); env && *env) return env;
  const auto bin = own_binary_dir();
  if (!bin) return std::nullopt;
  std::error_code ec;
  for (const auto& dir :
       {*bin / rel, bin->parent_path() / rel, bin->parent_path() / "share/h2race" / rel}) {
    if (std::filesystem::is_directory(dir, ec)) return dir;
  }
  return std::nullopt;
}

}  // namespace h2race
