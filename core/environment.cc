#include "core/environment.h"

#include <fmt/format.h>
#include <nghttp2/nghttp2.h>
#include <sys/utsname.h>

namespace h2race {

nlohmann::json environment_json() {
  utsname u{};
  uname(&u);
  return {{"h2race", H2RACE_VERSION},
          {"tls_library", "BoringSSL"},
          {"nghttp2", nghttp2_version(0)->version_str},
          {"kernel", fmt::format("{} {} {}", u.sysname, u.release, u.machine)}};
}

}  // namespace h2race
