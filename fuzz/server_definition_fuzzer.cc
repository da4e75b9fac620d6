// libFuzzer target: any text as a server definition (a user's --server-def file, and the format
// the built-in ones are written in). Parsing must either succeed or throw DefinitionError with
// "FILE:LINE: " in front; a definition that parses must name a program, an argv that starts
// with {program}, and fill every placeholder of its argv and files (none is left in braces that
// a server would read literally).
#include <cstdlib>
#include <map>
#include <string>

#include "core/server_definition.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace h2race;
  const std::string text(reinterpret_cast<const char*>(data), size);
  ServerDefinition def;
  try {
    def = parse_server_definition(text, "/fuzz/f.server");
  } catch (const DefinitionError& e) {
    if (!std::string_view(e.what()).starts_with("/fuzz/f.server:")) std::abort();
    return 0;
  }
  if (def.name.empty() || def.program.empty() || def.argv.empty() || def.argv[0] != "{program}") {
    std::abort();
  }
  std::map<std::string, std::string> values;
  for (const char* name : {"program", "dir", "tmp", "host", "port", "cert", "key", "ca", "mtls",
                           "knob", "alpn", "pem"}) {
    if (!is_server_placeholder(name)) std::abort();
    values[name] = "V";
  }
  for (const auto& w : def.argv) {
    const std::string filled = fill_server_placeholders(w, values, false);
    if (filled.size() > w.size()) std::abort();  // each placeholder ({x} or more) becomes "V"
  }
  for (const auto& [name, body] : def.files) {
    const std::string filled = fill_server_placeholders(body, values, true);
    for (const char* p : {"{port}", "{cert}", "{key}", "{tmp}"}) {
      // A placeholder that is still there was written as {{port}}: literal, and then it reads
      // {port} only because the braces were doubled.
      if (filled.find(p) != std::string::npos &&
          body.find(std::string("{") + p) == std::string::npos) {
        std::abort();
      }
    }
  }
  return 0;
}
