#include "core/scenario.h"

#include <gtest/gtest.h>

namespace h2race {
namespace {

TEST(Scenario, DefaultsAreTheSeedCase) {
  const Scenario s;
  EXPECT_EQ(s.proto, Proto::kH2);
  EXPECT_EQ(s.tls, TlsVersion::k13);
  EXPECT_EQ(s.client_cert, ClientCert::kNone);
  EXPECT_EQ(s.client, ClientKind::kGo);
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
  EXPECT_EQ(parse<ClientKind>("sequential"), ClientKind::kSequential);
  EXPECT_FALSE(parse<Proto>("h3"));
  EXPECT_FALSE(parse<KeyType>("ED25519"));
  EXPECT_EQ(name(ClientCert::kExpired), "expired");
}

TEST(Scenario, H1ProtocolImpliesTheH1Client) {
  Scenario s;
  s.proto = Proto::kH1;
  EXPECT_EQ(effective_client(s), ClientKind::kH1);
  EXPECT_EQ(s.id(), "h1-tls13-none-h1-immediate-ed25519");
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
  j["client"] = "netscape";
  try {
    Scenario::from_json(j);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("scenario.client"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace h2race
