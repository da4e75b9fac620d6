#include "core/environment.h"

#include <fmt/format.h>
#include <nghttp2/nghttp2.h>
#include <sys/utsname.h>

#include <fstream>

namespace h2race {

nlohmann::json environment_json() {
  utsname u{};
  uname(&u);
  return {{"h2race", H2RACE_VERSION},
          {"tls_library", "BoringSSL"},
          {"nghttp2", nghttp2_version(0)->version_str},
          {"kernel", fmt::format("{} {} {}", u.sysname, u.release, u.machine)}};
}

std::string host_line() {
  utsname u{};
  uname(&u);
  std::string cpu = "unknown";
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    if (const auto colon = line.find(':'); colon != std::string::npos) {
      cpu = line.substr(line.find_first_not_of(" \t", colon + 1));
    }
    break;
  }
  return fmt::format("kernel {}, CPU {}", u.release, cpu);
}

}  // namespace h2race
