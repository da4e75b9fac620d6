// What this build runs on, written into every histogram so a reader knows where it came from.
#pragma once

#include <nlohmann/json.hpp>

namespace h2race {

// h2race, TLS library and nghttp2 versions, kernel.
nlohmann::json environment_json();

}  // namespace h2race
