// A server definition: everything h2race knows about one external HTTP server program, as data in
// a text file (servers/external/<name>.server, or a user's own with --server-def). How to start it
// on loopback with the run's PKI (its argv and config files, with placeholders), which Debian
// package provides it, how its "client certificate required" mode is switched on, its close
// knobs, and how to stop it. docs/servers.md describes the format.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/client_definition.h"  // DefinitionError, kMaxDefinitionBytes

namespace h2race {

struct ServerDefinition {
  std::string name;     // the --server spelling
  std::string summary;  // the help line
  std::string program;  // the executable: a name looked up in $PATH, or a path ({dir} allowed)
  std::string package;  // the Debian package (or build step) that provides it
  bool speaks_h1 = false, speaks_h2 = false;
  std::vector<std::string> argv;          // starts with {program}
  std::vector<std::string> version_argv;  // prints the version (first line kept), optional
  // The words that switch on "client certificate required" ({mtls} in argv and files): data, so
  // that a reader sees the switch without reading the template.
  std::string mtls;
  // false for `mtls none`: the program has no such mode (it asks no client for a certificate).
  bool has_mtls = true;
  // A setting of the server a run can pick (--server-knob NAME): its text goes into {knob}
  // (empty otherwise) and, when it has one, its mTLS switch replaces `mtls` in {mtls} (e.g. a
  // certificate asked for but not required, the request then refused at the HTTP level).
  struct Knob {
    std::string text;
    std::optional<std::string> mtls;
  };
  std::map<std::string, Knob> knobs;
  // Config files written into the run's private directory ({tmp}) before the start: (name, body).
  std::vector<std::pair<std::string, std::string>> files;
  // The key types its TLS library takes (--key); empty: all of them.
  std::vector<std::string> keys;
  std::chrono::milliseconds start_timeout{10'000};  // until the port accepts
  int stop_signal = 15;                             // SIGTERM; SIGKILL after stop_grace
  std::chrono::milliseconds stop_grace{2'000};
  std::string dir;  // the directory of the definition's file: {dir}
};

// The placeholders a server definition may use, in argv and in its files.
bool is_server_placeholder(std::string_view name);

// Parses a definition; file names it in errors (and its directory becomes `dir`). Throws
// DefinitionError ("FILE:LINE: what") at the first problem.
ServerDefinition parse_server_definition(std::string_view text, const std::string& file);

// Reads a definition with the bounded reader, then parses it. Throws DefinitionError.
ServerDefinition read_server_definition(const std::filesystem::path& file);

// Fills a word or a file's body: {name} for every placeholder in values; {{ }} are braces. In a
// file's body (body = true) a brace that does not open a placeholder name is kept as it is
// (configs are full of braces); in argv every { opens one.
std::string fill_server_placeholders(std::string_view text,
                                     const std::map<std::string, std::string>& values, bool body);

}  // namespace h2race
