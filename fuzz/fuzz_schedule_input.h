// The byte format the schedule fuzzer reads, kept apart so seeds can be written by hand. Every
// number below is a position in an append-only table, and a number past a table's end is
// skipped, never wrapped: adding a point or a client keeps the meaning of every committed seed.
//   byte 0: scenario — client = b & 0x0f into kFuzzClients, certificate = (b >> 4) & 0x07
//           into kFuzzCerts (an index past either table's end means the first row);
//   then triples [point, action, param]: point = p & 0x3f, a row of kPoints (core/points.h;
//           past the end: the triple is skipped); action = a % 3: 0 yield, 1 sleep param us,
//           2 wait for the point in row param & 0x3f, which must run on another thread
//           (otherwise the triple is skipped), bound kFuzzWaitBound.
// A later triple for the same point replaces an earlier one. Every input is a valid schedule.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/scenario.h"
#include "core/schedule.h"

namespace h2race {

inline constexpr std::chrono::microseconds kFuzzWaitBound = std::chrono::milliseconds(2);
// In-process clients the fuzzer drives; append only.
inline constexpr std::array<std::string_view, 5> kFuzzClients = {"go", "sequential", "h1", "go1.19",
                                                                 "prefer-alert"};
inline constexpr std::array<ClientCert, 4> kFuzzCerts = {ClientCert::kNone, ClientCert::kUntrusted,
                                                         ClientCert::kExpired, ClientCert::kValid};

struct FuzzCase {
  Scenario scenario;
  Schedule schedule;
};

FuzzCase decode_fuzz_input(const uint8_t* data, size_t size);
// The shortest input that decodes to fc (its wait bounds and headers aside); decode(encode(x))
// has the same scenario and actions as x. A seed equal to its re-encoding uses no number past a
// table's end, so no later row can change what it means.
std::string encode_fuzz_input(const FuzzCase& fc);

}  // namespace h2race
