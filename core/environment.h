// What this build runs on, written into every histogram so a reader knows where it came from.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace h2race {

// h2race, TLS library and nghttp2 versions, kernel.
nlohmann::json environment_json();
// The host in one line for a reader: "kernel 6.1.0-18-amd64, CPU AMD EPYC" (the CPU's model name
// from /proc/cpuinfo, "unknown" when it has none). Two machines of one kind may differ here, and
// a racy mix with them (docs/go-model.md, "On a new VM host").
std::string host_line();

}  // namespace h2race
