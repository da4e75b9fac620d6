#include "fuzz/fuzz_schedule_input.h"

#include <fmt/format.h>

#include <vector>

namespace h2race {

FuzzCase decode_fuzz_input(const uint8_t* data, size_t size) {
  FuzzCase fc;
  fc.schedule.scenario_flags = "--proto h2 --client go --client-cert none";
  if (size == 0) return fc;
  static constexpr ClientKind kClients[] = {ClientKind::kGo, ClientKind::kSequential,
                                            ClientKind::kH1};
  static constexpr ClientCert kCerts[] = {ClientCert::kNone, ClientCert::kUntrusted,
                                          ClientCert::kExpired, ClientCert::kValid};
  fc.scenario.client = kClients[data[0] % 3];
  fc.scenario.client_cert = kCerts[(data[0] / 3) % 4];
  if (fc.scenario.client == ClientKind::kH1) fc.scenario.proto = Proto::kH1;

  std::vector<Point> side_points[2];
  for (size_t p = 0; p < kPointCount; ++p) {
    const auto pt = static_cast<Point>(p);
    side_points[point_side(pt) == Side::kClient ? 0 : 1].push_back(pt);
  }
  for (size_t i = 1; i + 2 < size; i += 3) {
    const auto point = static_cast<Point>(data[i] % kPointCount);
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
        a.kind = Action::Kind::kWait;
        a.duration = kFuzzWaitBound;
        const auto& other = side_points[point_side(point) == Side::kClient ? 1 : 0];
        a.target = other[param % other.size()];
        break;
      }
    }
    fc.schedule.actions[static_cast<size_t>(point)] = a;
  }
  fc.schedule.scenario_flags =
      fmt::format("--proto {} --client {} --client-cert {}", name(fc.scenario.proto),
                  name(effective_client(fc.scenario)), name(fc.scenario.client_cert));
  return fc;
}

}  // namespace h2race
