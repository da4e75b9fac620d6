// The servers a run can use: h2race's own (in-process, the reference, spelled "h2race") and the
// real programs described by server definitions: servers/external/*.server (found at run time
// next to the binary, like the client definitions) and any --server-def FILE. Each kind is
// declared once, as its definition file.
#pragma once

#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/server_definition.h"

namespace h2race {

// The in-process server's name for --server.
inline constexpr std::string_view kOwnServer = "h2race";

// The external servers' definitions, built-in ones sorted by name, then those added.
const std::deque<ServerDefinition>& server_definitions();
// nullptr for an unknown name (and for kOwnServer, which has no definition).
const ServerDefinition* find_server(std::string_view name);
// "h2race|apache2|caddy|...", for help and errors.
std::string server_names();
// Reads a user's definition (--server-def) and adds it. Throws DefinitionError, also when its
// name is already a server.
const ServerDefinition& add_server_definition(const std::filesystem::path& file);
// servers/external next to the h2race binary (the build dir), one dir up (a build dir's tests),
// or ../share/h2race/servers/external (an installed tree); $H2RACE_SERVER_DIR first.
std::optional<std::filesystem::path> builtin_server_dir();
// Whether def is one of the built-in definitions (scripts/setup installs its package).
bool is_builtin_server(const ServerDefinition& def);

}  // namespace h2race
