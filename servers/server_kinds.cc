#include "servers/server_kinds.h"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>
#include <vector>

#include "core/beside_binary.h"

namespace h2race {
namespace {

// Read once, on first use; --server-def adds to it while the command line is parsed (one thread).
struct Registry {
  std::deque<ServerDefinition> defs;  // a deque: references stay valid as it grows
};

Registry& registry() {
  static Registry r = [] {
    Registry reg;
    if (auto dir = builtin_server_dir()) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(*dir)) {
        if (entry.path().extension() == ".server") files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) reg.defs.push_back(read_server_definition(f));
    }
    return reg;
  }();
  return r;
}

}  // namespace

const std::deque<ServerDefinition>& server_definitions() { return registry().defs; }

const ServerDefinition* find_server(std::string_view name) {
  for (const auto& d : server_definitions()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::string server_names() {
  std::string names(kOwnServer);
  for (const auto& d : server_definitions()) names += "|" + d.name;
  return names;
}

const ServerDefinition& add_server_definition(const std::filesystem::path& file) {
  ServerDefinition def = read_server_definition(file);
  if (def.name == kOwnServer || find_server(def.name)) {
    throw DefinitionError(
        fmt::format("{}: name {} is already a server; give the definition its own name",
                    file.string(), def.name));
  }
  return registry().defs.emplace_back(std::move(def));
}

std::optional<std::filesystem::path> builtin_server_dir() {
  return shipped_dir("H2RACE_SERVER_DIR", "servers/external");
}

bool is_builtin_server(const ServerDefinition& def) {
  std::error_code ec;
  const auto dir = builtin_server_dir();
  return dir && std::filesystem::equivalent(*dir, def.dir, ec);
}

}  // namespace h2race
