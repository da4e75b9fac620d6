// A client definition: everything h2race knows about one external HTTP client program, as data
// in a text file (clients/external/<name>.client, or a user's own with --client-def). How to run
// it, what it speaks, how it answers, which Debian package provides it, and the rules that turn
// its answers into classes. docs/peers.md ("Client definitions") describes the format.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/external_rules.h"

namespace h2race {

// A malformed definition; what() is "FILE:LINE: what is wrong".
struct DefinitionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ClientDefinition {
  // How a run reads the program's answers: one request per process, its exit code and stderr
  // the answer; or the line protocol, one "<local address>\t[redials=N\t]<ok N | error TEXT>"
  // line per request for a batch of requests per process.
  enum class Answers : uint8_t { kExitStatus, kLines };
  // Where the connection's local address comes from, to pair the answer with the server's
  // truth by 4-tuple: stdout of the process (e.g. a -w format), the line's first column, or nowhere
  // (then the program runs one job at a time and pairs with the server's sole record).
  enum class LocalAddress : uint8_t { kNone, kStdout, kLine };

  std::string name;     // the --client spelling
  std::string summary;  // the help line
  std::string program;  // the executable: a name looked up in $PATH, or a path ({dir} allowed)
  std::string package;  // the Debian package that provides it
  // Files that must exist before a run, each with the package (or build step) that provides it.
  std::vector<std::pair<std::string, std::string>> needs;  // (package, path)
  bool speaks_h1 = false, speaks_h2 = false;
  uint64_t requests_per_process = 1;
  Answers answers = Answers::kExitStatus;
  LocalAddress local_address = LocalAddress::kNone;
  // Added to the per-request bound for a process's first answer (a runtime's start-up).
  std::chrono::milliseconds startup{2000};
  // The program waits for a newline on stdin after each answer before its next request; h2race
  // sends it once the answer is paired. Exact pairing with the sole record, in a batch.
  bool paced = false;
  bool in_matrix = false;  // part of `h2race matrix`'s built-in set (every built-in is in --zoo)
  std::string modeled_by;  // the in-process model that claims to be this program (calibrate)
  std::vector<std::string> argv;       // words with {placeholders}
  std::vector<std::string> cert_argv;  // appended when the client presents a certificate
  // Appended when the run slows each request (--slow-request-us, Scenario::slow_request); its
  // words may also use {slow_request_us}. A definition without it cannot be slowed.
  std::vector<std::string> slow_request_argv;
  // Prints the program's version on its first line (e.g. "go1.26.8"): run once per run, recorded
  // in the JSON's env.client_program, so a histogram says which build of the program it is.
  std::vector<std::string> version_argv;
  OutputRules rules;
  std::string dir;  // the directory of the definition's file: {dir}
  // `rules-from FILE` ({dir} allowed): a file of rule and alert-name lines that several
  // definitions of one program share (e.g. one Go client built by two Gos); the loader reads it
  // and adds its lines with add_rules_from after the definition's own.
  std::string rules_from;

  bool reports_local_address() const { return local_address != LocalAddress::kNone; }
};

// A definition (or its rules-from file) is a few KiB; 1 MiB is far beyond any real one.
inline constexpr size_t kMaxDefinitionBytes = size_t{1} << 20;

// The longest `contains "TEXT"` of a rule (and of an `after` marker): error texts are short.
inline constexpr size_t kMaxRuleTextBytes = 1024;

// Parses a definition; file names it in errors (and its directory becomes `dir`). Throws
// DefinitionError at the first problem: unknown key, missing key, bad value, bad placeholder,
// a class that is not canonical, unterminated quote.
ClientDefinition parse_client_definition(std::string_view text, const std::string& file);

// Adds the rule and alert-name lines of a `rules-from` file (text, named file in errors) to d.
// Throws DefinitionError for any other key, or a bad line.
void add_rules_from(std::string_view text, const std::string& file, ClientDefinition& d);

// Reads and parses a definition file, with its rules-from file. Throws DefinitionError (also
// for a file that cannot be read).
ClientDefinition read_client_definition(const std::filesystem::path& file);

// Whether a word of the definition key `key` may use {name}: every key {program} {dir} {url} {ca}
// {count} {proto} {timeout_ms} {timeout_s} {proto:H1WORD|H2WORD}; cert-argv also {cert} {key};
// slow-request-argv also {slow_request_us}.
bool is_placeholder(std::string_view name, std::string_view key);

}  // namespace h2race
