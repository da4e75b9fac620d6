#include "core/scenario.h"

#include <gtest/gtest.h>

#include "clients/client_kinds.h"

namespace h2race {
namespace {

TEST(Scenario, DefaultsAreTheSeedCase) {
  const Scenario s;
  EXPECT_EQ(s.proto, Proto::kH2);
  EXPECT_EQ(s.tls, TlsVersion::k13);
  EXPECT_EQ(s.client_cert, ClientCert::kNone);
  EXPECT_EQ(s.client, "go");
  EXPECT_EQ(s.server_close, ServerClose::kImmediate);
  EXPECT_EQ(s.server_read, ServerRead::kAhead);
  EXPECT_EQ(s.key_type, KeyType::kEd25519);
  EXPECT_EQ(s.iterations, 10000u);
  EXPECT_EQ(s.timeout.count(), 5000);
  EXPECT_EQ(s.id(), "h2-tls13-none-go-immediate-ed25519");
}

TEST(Scenario, SpellingsParseBackToTheirValues) {
  EXPECT_EQ(parse<TlsVersion>("1.2"), TlsVersion::k12);
  EXPECT_EQ(parse<ClientCert>("untrusted"), ClientCert::kUntrusted);
  EXPECT_EQ(parse<KeyType>("rsa2048"), KeyType::kRsa2048);
  EXPECT_FALSE(parse<Proto>("h3"));
  EXPECT_FALSE(parse<KeyType>("ED25519"));
  EXPECT_EQ(name(ClientCert::kExpired), "expired");
}

TEST(Scenario, H1ProtocolImpliesTheH1Client) {
  Scenario s;
  s.proto = Proto::kH1;
  EXPECT_EQ(resolve_client(s, /*client_given=*/false, /*proto_given=*/true), std::nullopt);
  EXPECT_EQ(s.client, "h1");
  EXPECT_EQ(s.id(), "h1-tls13-none-h1-immediate-ed25519");
}

TEST(Scenario, ResolvingTheClientRefusesWhatItCannotSpeak) {
  Scenario named;
  named.proto = Proto::kH1;
  named.client = "sequential";
  EXPECT_EQ(resolve_client(named, true, true),
            "--client sequential speaks HTTP/2; --proto h1 uses the h1 client");
  Scenario nghttp;
  nghttp.proto = Proto::kH1;
  nghttp.client = "nghttp";
  EXPECT_NE(resolve_client(nghttp, true, true), std::nullopt);
  Scenario unknown;
  unknown.client = "gopher";
  EXPECT_NE(resolve_client(unknown, true, false), std::nullopt);
}

TEST(Scenario, AlertGraceBelongsToTheClientsThatUseIt) {
  Scenario s;
  s.client = "prefer-alert";
  ASSERT_EQ(resolve_client(s, true, false), std::nullopt);
  EXPECT_EQ(s.alert_grace, kDefaultAlertGrace);
  EXPECT_EQ(s.to_json()["alert_grace_ms"], 100);
  s.client = "go";
  ASSERT_EQ(resolve_client(s, true, false), std::nullopt);
  EXPECT_FALSE(s.to_json().contains("alert_grace_ms"));
}

// Each go model runs the timing fitted to the Go it claims; a --go-NAME-us flag changes one field
// and the rest stay the named model's, whichever flag came first.
TEST(Scenario, EachGoModelRunsItsOwnTimingAndAFlagChangesOneField) {
  Scenario go;
  ASSERT_EQ(resolve_client(go, false, false), std::nullopt);
  EXPECT_EQ(go.go_timing, kGoTimingGo);
  Scenario old;
  old.client = "go1.19";
  ASSERT_EQ(resolve_client(old, true, false), std::nullopt);
  EXPECT_EQ(old.go_timing, kGoTimingGo119);
  EXPECT_NE(kGoTimingGo, kGoTimingGo119);

  Scenario one_flag;
  one_flag.client = "go1.19";
  one_flag.go_timing = kGoTimingNotGiven;
  one_flag.go_timing->spin = std::chrono::microseconds(7);
  ASSERT_EQ(resolve_client(one_flag, true, false), std::nullopt);
  Scenario::GoTiming want = kGoTimingGo119;
  want.spin = std::chrono::microseconds(7);
  EXPECT_EQ(one_flag.go_timing, want);

  Scenario not_a_model;
  not_a_model.client = "sequential";
  not_a_model.go_timing = kGoTimingGo;
  ASSERT_EQ(resolve_client(not_a_model, true, false), std::nullopt);
  EXPECT_EQ(not_a_model.go_timing, std::nullopt);
}

TEST(Scenario, JsonRoundTrip) {
  Scenario s;
  s.tls = TlsVersion::k12;
  s.client_cert = ClientCert::kExpired;
  s.key_type = KeyType::kP256;
  s.fresh_server = true;
  const Scenario back = Scenario::from_json(s.to_json());
  EXPECT_EQ(back.id(), s.id());
  EXPECT_EQ(back.id(), "h2-tls12-expired-go-immediate-p256-fresh");
}

TEST(Scenario, GoTimingRoundTripsAndOlderFilesLoadWithoutTheNewerDelays) {
  Scenario s;
  s.go_timing = Scenario::GoTiming{std::chrono::microseconds(5),  std::chrono::microseconds(1),
                                   std::chrono::microseconds(10), std::chrono::microseconds(25),
                                   std::chrono::microseconds(20), std::chrono::microseconds(30)};
  EXPECT_EQ(Scenario::from_json(s.to_json()).go_timing, s.go_timing);
  auto j = s.to_json();
  j["go_timing"].erase("preface_us");
  j["go_timing"].erase("read_loop_us");
  j["go_timing"].erase("spin_us");
  j["go_timing"].erase("off_cpu_us");
  const auto old = Scenario::from_json(j).go_timing;
  ASSERT_TRUE(old);
  EXPECT_EQ(old->handoff.count(), 5);
  EXPECT_EQ(old->preface.count(), 0);
  EXPECT_EQ(old->read_loop.count(), 0);
  EXPECT_EQ(old->spin.count(), 0);
  EXPECT_EQ(old->off_cpu.count(), 0);
  j["go_timing"]["read_loop_us"] = -1;
  EXPECT_THROW(Scenario::from_json(j), std::invalid_argument);
}

// A slowed run is another scenario: compare and merge must not mix it with the plain one, and a
// histogram without the field (every one written before it) was not slowed.
TEST(Scenario, ASlowedRequestIsItsOwnScenarioAndOlderFilesWereNotSlowed) {
  Scenario s;
  s.slow_request = std::chrono::microseconds(30);
  EXPECT_EQ(s.id(), "h2-tls13-none-go-immediate-ed25519-slow-request-30us");
  EXPECT_EQ(Scenario::from_json(s.to_json()).slow_request.count(), 30);
  EXPECT_FALSE(Scenario{}.to_json().contains("slow_request_us"));
  EXPECT_EQ(Scenario::from_json(Scenario{}.to_json()).slow_request.count(), 0);
  auto j = s.to_json();
  j["slow_request_us"] = -1;
  EXPECT_THROW(Scenario::from_json(j), std::invalid_argument);
  j["slow_request_us"] = kMaxSlowRequestUs + 1;
  EXPECT_THROW(Scenario::from_json(j), std::invalid_argument);
}

TEST(Scenario, RecordReadsAreTheirOwnScenario) {
  Scenario s;
  s.server_read = ServerRead::kRecord;
  EXPECT_EQ(s.id(), "h2-tls13-none-go-immediate-ed25519-record");
  EXPECT_EQ(Scenario::from_json(s.to_json()).server_read, ServerRead::kRecord);
}

TEST(Scenario, HistogramsWithoutServerReadWereMeasuredWithRecordReads) {
  auto j = Scenario().to_json();
  j.erase("server_read");
  EXPECT_EQ(Scenario::from_json(j).server_read, ServerRead::kRecord);
}

TEST(Scenario, JsonRejectsUnknownValuesNamingTheField) {
  auto j = Scenario().to_json();
  j["server_close"] = "slam";
  try {
    Scenario::from_json(j);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("scenario.server_close"), std::string::npos) << e.what();
  }
  j = Scenario().to_json();
  j["client"] = "";
  EXPECT_THROW(Scenario::from_json(j), std::invalid_argument);
}

// A histogram may come from a client this build does not know (a user's own program).
TEST(Scenario, JsonKeepsAnyClientName) {
  auto j = Scenario().to_json();
  j["client"] = "my-client";
  EXPECT_EQ(Scenario::from_json(j).client, "my-client");
}

}  // namespace
}  // namespace h2race
