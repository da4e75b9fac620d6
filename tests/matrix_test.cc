// The scenario sets of `h2race matrix`: the built-in set keeps its scenarios (its programs come
// from the definitions marked in-matrix) and places the model of Go's client right above the real
// program it models, under the same server behaviour, so `matrix`'s summary and `report` show them
// side by side; the zoo is every external client x what it speaks x {immediate, linger}.
#include "harness/matrix.h"

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
  EXPECT_EQ(all.size(), 42u);  // 38, and go1.19 beside go1.19-net-http under 4 servers
  for (const char* id : {"h2-tls13-none-curl-reset-ed25519", "h2-tls13-none-nghttp-linger-ed25519",
                         "h1-tls13-none-go1.19-net-http-immediate-ed25519",
                         "h1-tls13-none-curl-immediate-ed25519-record",
                         "h2-tls13-none-go1.19-net-http-immediate-ed25519-record"}) {
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
  // The eighteen built-in definitions (the Go client by two Gos, each also with -prefer-alert; the
  // Rust adapter as reqwest and as hyper; grpc-go, -node, -python, -java; httpx from Debian and
  // from PyPI; Node's http2 and undici; Java's HttpClient and OkHttp); nghttp and the gRPC clients
  // speak h2 only.
  EXPECT_EQ(zoo.size(), 62u);
  const auto all = ids(zoo);
  EXPECT_EQ(all.size(), zoo.size());
  for (const char* id :
       {"h2-tls13-none-python-httpx-immediate-ed25519", "h1-tls13-none-java-linger-ed25519",
        "h2-tls13-none-nghttp-linger-ed25519", "h1-tls13-none-rust-hyper-immediate-ed25519"}) {
    EXPECT_TRUE(all.count(id)) << id;
  }
  for (const Scenario& s : zoo) {
    EXPECT_EQ(s.client_cert, ClientCert::kNone);
    EXPECT_TRUE(s.server_close == ServerClose::kImmediate ||
                s.server_close == ServerClose::kLinger);
  }
}

TEST(Matrix, EveryRealGoRowHasItsModelInTheRowAbove) {
  const auto m = builtin_matrix();
  size_t pairs = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i].client != "go1.19-net-http" || m[i].proto != Proto::kH2) continue;
    ASSERT_GT(i, 0u);
    Scenario model = m[i - 1];
    EXPECT_EQ(model.client, "go1.19") << m[i].id();
    model.client = m[i].client;
    model.go_timing = m[i].go_timing;  // only the model has timing
    EXPECT_EQ(model.id(), m[i].id());
    ++pairs;
  }
  EXPECT_EQ(pairs, 4u);  // immediate, linger, reset; one record-reading server
}

}  // namespace
}  // namespace h2race
