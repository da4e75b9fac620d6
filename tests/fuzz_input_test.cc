// The fuzzer's byte format: every input is a valid schedule, and the hand-written seeds mean
// what their names say (each equals the reproducer of the same class).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <variant>

#include "fuzz/fuzz_schedule_input.h"

namespace h2race {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

FuzzCase decode_file(const std::string& name) {
  const std::string bytes = read(std::string(H2RACE_SOURCE_DIR) + "/fuzz/seeds/schedule/" + name);
  EXPECT_FALSE(bytes.empty()) << name;
  return decode_fuzz_input(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

std::string actions_of(const Schedule& s) {
  Schedule copy = s;
  copy.scenario_flags.clear();
  copy.expect.clear();
  return copy.format();
}

Schedule reproducer(const std::string& cls) {
  auto r = load_schedule(std::string(H2RACE_REPRODUCERS) + "/" + cls + ".sched");
  EXPECT_TRUE(std::holds_alternative<Schedule>(r));
  return std::holds_alternative<Schedule>(r) ? std::get<Schedule>(r) : Schedule{};
}

// Seeds use the fuzzer's short wait bound; compare the actions without it.
std::string without_bounds(std::string text) {
  const std::string bound = "/2ms";
  for (size_t p; (p = text.find(bound)) != std::string::npos;) text.erase(p, bound.size());
  return text;
}

TEST(FuzzInput, SeedsEqualTheirReproducers) {
  const std::pair<const char*, const char*> pairs[] = {
      {"go_no_connection", "h2:no_connection"},
      {"go119_alert", "tls_alert:certificate_required"},
      {"go119_write_econnreset", "write:ECONNRESET"},
      {"go119_write_epipe", "write:EPIPE"}};
  for (const auto& [seed, cls] : pairs) {
    const FuzzCase fc = decode_file(seed);
    const Schedule rep = reproducer(cls);
    EXPECT_EQ(without_bounds(actions_of(fc.schedule)), actions_of(rep)) << seed;
    EXPECT_NE(rep.scenario_flags.find("--client " + fc.scenario.client), std::string::npos) << seed;
  }
}

// A seed that uses no number past a table's end means the same after a point or a client is
// appended: re-encoding it gives the same bytes.
TEST(FuzzInput, CommittedSeedsAreCanonicalSoNewPointsKeepTheirMeaning) {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(H2RACE_SOURCE_DIR) +
                                                               "/fuzz/seeds/schedule")) {
    const std::string bytes = read(entry.path());
    const FuzzCase fc =
        decode_fuzz_input(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    EXPECT_EQ(encode_fuzz_input(fc), bytes) << entry.path();
  }
}

// Byte values name table rows, so the rows the committed seeds use must stay where they are.
TEST(FuzzInput, PointRowsTheSeedsUseStayInPlace) {
  const std::pair<size_t, std::string_view> rows[] = {
      {2, "client.before_preface"}, {3, "client.after_preface"}, {4, "client.before_headers"},
      {5, "client.before_read"},    {7, "server.before_alert"},  {11, "server.after_close"}};
  for (const auto& [row, point] : rows) EXPECT_EQ(kPoints[row].name, point) << row;
  EXPECT_EQ(kFuzzClients[0], "go");
  EXPECT_EQ(kFuzzClients[1], "sequential");
  EXPECT_EQ(kFuzzClients[2], "h1");
  EXPECT_EQ(kFuzzClients[3], "go1.19");
}

TEST(FuzzInput, PastTheEndNumbersAreSkippedNotWrapped) {
  // Point 63 and a wait on row 63 name no row today: both triples are skipped.
  const uint8_t bytes[] = {0x00, 63, 0, 0, 2, 2, 63};
  const FuzzCase fc = decode_fuzz_input(bytes, sizeof(bytes));
  EXPECT_TRUE(fc.schedule.empty()) << fc.schedule.format();
}

TEST(FuzzInput, FirstByteChoosesClientAndCertificate) {
  EXPECT_EQ(decode_file("valid_go").scenario.client_cert, ClientCert::kValid);
  const FuzzCase h1 = decode_file("empty_h1");
  EXPECT_EQ(h1.scenario.proto, Proto::kH1);
  EXPECT_TRUE(h1.schedule.empty());
}

TEST(FuzzInput, EveryByteStringIsAScheduleThatParsesBack) {
  // A deterministic sweep over many inputs: the text form of each decodes by the real parser.
  uint32_t x = 12345;
  for (int i = 0; i < 2000; ++i) {
    uint8_t buf[40];
    const size_t n = static_cast<size_t>(i % 41);
    for (size_t j = 0; j < n; ++j) {
      x = x * 1103515245u + 12345u;
      buf[j] = static_cast<uint8_t>(x >> 16);
    }
    const FuzzCase fc = decode_fuzz_input(buf, n);
    auto parsed = parse_schedule(fc.schedule.format() + "\n", "fuzz");
    if (fc.schedule.empty() && fc.schedule.scenario_flags.empty()) continue;
    ASSERT_TRUE(std::holds_alternative<Schedule>(parsed))
        << std::get<ScheduleError>(parsed).to_string() << "\n"
        << fc.schedule.format();
    EXPECT_EQ(std::get<Schedule>(parsed).format(), fc.schedule.format());
  }
}

}  // namespace
}  // namespace h2race
