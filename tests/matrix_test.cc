// The scenario sets of `h2race matrix`: the built-in set keeps its 38 scenarios (its programs now
// come from the definitions marked in-matrix), and the zoo is every external client x what it
// speaks x {immediate, linger}.
#include "run/matrix.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "clients/client_kinds.h"

namespace h2race {
namespace {

std::set<std::string> ids(const std::vector<Scenario>& scenarios) {
  std::set<std::string> out;
  for (const Scenario& s : scenarios) out.insert(s.id());
  return out;
}

TEST(Matrix, TheBuiltInSetKeepsItsProgramScenarios) {
  const auto all = ids(builtin_matrix());
  EXPECT_EQ(all.size(), 38u);
  for (const char* id : {"h2-tls13-none-curl-reset-ed25519", "h2-tls13-none-nghttp-linger-ed25519",
                         "h1-tls13-none-go-net-http-immediate-ed25519",
                         "h1-tls13-none-curl-immediate-ed25519-record",
                         "h2-tls13-none-go-net-http-immediate-ed25519-record"}) {
    EXPECT_TRUE(all.count(id)) << id;
  }
  for (const std::string& id : all) {
    EXPECT_EQ(id.find("node"), std::string::npos) << "the zoo's clients are not in-matrix: " << id;
  }
}

TEST(Matrix, TheZooIsEveryProgramTimesWhatItSpeaksTimesTwoClosePolicies) {
  const auto zoo = zoo_matrix();
  size_t expected = 0;
  for (const ClientKindInfo& k : client_kinds()) {
    if (k.program) expected += 2 * (k.speaks == Speaks::kBoth ? 2 : 1);
  }
  EXPECT_EQ(zoo.size(), expected);
  EXPECT_EQ(zoo.size(), 22u);  // the six built-in definitions; nghttp speaks h2 only
  const auto all = ids(zoo);
  EXPECT_EQ(all.size(), zoo.size());
  for (const char* id :
       {"h2-tls13-none-python-httpx-immediate-ed25519", "h1-tls13-none-java-linger-ed25519",
        "h2-tls13-none-nghttp-linger-ed25519"}) {
    EXPECT_TRUE(all.count(id)) << id;
  }
  for (const Scenario& s : zoo) {
    EXPECT_EQ(s.client_cert, ClientCert::kNone);
    EXPECT_TRUE(s.server_close == ServerClose::kImmediate ||
                s.server_close == ServerClose::kLinger);
  }
}

}  // namespace
}  // namespace h2race
