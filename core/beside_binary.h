// What h2race ships next to itself (definitions, adapters, programs it builds), found relative
// to the running binary: the build dir, a build dir's tests one level down, or an installed tree.
#pragma once

#include <filesystem>
#include <optional>

namespace h2race {

// The directory of the running binary (/proc/self/exe), or nullopt if it cannot be read.
std::optional<std::filesystem::path> own_binary_dir();

// $env_var when set and not empty; else the first directory that exists of BIN/rel (the build
// dir, where the build copies it), BIN/../rel (a build dir's tests) and BIN/../share/h2race/rel
// (an installed tree).
std::optional<std::filesystem::path> shipped_dir(const char* env_var,
                                                 const std::filesystem::path& rel);

}  // namespace h2race
