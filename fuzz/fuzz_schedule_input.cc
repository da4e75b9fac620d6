#include "fuzz/fuzz_schedule_input.h"

#include <fmt/format.h>

#include <algorithm>

namespace h2race {
namespace {
constexpr uint8_t kPointMask = 0x3f;

template <typename Table>
size_t index_or_first(const Table& table, size_t i) {
  return i < table.size() ? i : 0;
}
}  // namespace

FuzzCase decode_fuzz_input(const uint8_t* data, size_t size) {
  FuzzCase fc;
  if (size > 0) {
    fc.scenario.client = kFuzzClients[index_or_first(kFuzzClients, data[0] & 0x0f)];
    fc.scenario.client_cert = kFuzzCerts[index_or_first(kFuzzCerts, (data[0] >> 4) & 0x07)];
  }
  // The fuzzer's clients speak one protocol each: h1 is the only HTTP/1.1 one.
  if (fc.scenario.client == "h1") fc.scenario.proto = Proto::kH1;
  for (size_t i = 1; i + 2 < size; i += 3) {
    const size_t p = data[i] & kPointMask;
    if (p >= kPointCount) continue;
    const Point point = kPoints[p].point;
    const uint8_t param = data[i + 2];
    Action a;
    switch (data[i + 1] % 3) {
      case 0:
        a.kind = Action::Kind::kYield;
        break;
      case 1:
        a.kind = Action::Kind::kSleep;
        a.duration = std::chrono::microseconds(param);
        break;
      default: {
        const size_t t = param & kPointMask;
        if (t >= kPointCount || kPoints[t].thread == point_thread(point)) continue;
        a.kind = Action::Kind::kWait;
        a.duration = kFuzzWaitBound;
        a.target = kPoints[t].point;
        break;
      }
    }
    fc.schedule.actions[p] = a;
  }
  fc.schedule.scenario_flags =
      fmt::format("--proto {} --client {} --client-cert {}", name(fc.scenario.proto),
                  fc.scenario.client, name(fc.scenario.client_cert));
  return fc;
}

std::string encode_fuzz_input(const FuzzCase& fc) {
  const auto client = std::find(kFuzzClients.begin(), kFuzzClients.end(), fc.scenario.client);
  const auto cert = std::find(kFuzzCerts.begin(), kFuzzCerts.end(), fc.scenario.client_cert);
  std::string out(
      1, static_cast<char>(((cert - kFuzzCerts.begin()) << 4) | (client - kFuzzClients.begin())));
  for (size_t p = 0; p < kPointCount; ++p) {
    const auto& a = fc.schedule.actions[p];
    if (!a) continue;
    out += static_cast<char>(p);
    switch (a->kind) {
      case Action::Kind::kYield:
        out += {'\0', '\0'};
        break;
      case Action::Kind::kSleep:
        out += {'\1', static_cast<char>(std::min<int64_t>(a->duration.count(), 255))};
        break;
      case Action::Kind::kWait:
        out += {'\2', static_cast<char>(a->target)};
        break;
    }
  }
  return out;
}

}  // namespace h2race
