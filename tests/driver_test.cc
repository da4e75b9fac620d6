// Integration: the driver against the in-process server. Every assertion here holds for every
// interleaving: only the server's truth and outcomes that do not depend on timing are checked.
#include "harness/driver.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <string>

#include "core/interrupt.h"
#include "process_threads.h"

namespace h2race {
namespace {

const Pki& pki() {
  static const Pki p(KeyType::kEd25519);
  return p;
}

Scenario scenario(uint64_t n) {
  Scenario s;
  s.iterations = n;
  s.jobs = 2;
  return s;
}

TEST(Driver, Http1ReportsOnlyTheAlert) {
  Scenario s = scenario(500);
  s.proto = Proto::kH1;
  s.client = "h1";
  const RunRecord run = run_scenario(plan_run(s), pki());
  EXPECT_EQ(run.histogram.iterations(), 500u);
  ASSERT_EQ(run.histogram.classes().size(), 1u);
  EXPECT_EQ(run.histogram.classes()[0].cls, "tls_alert:certificate_required");
  EXPECT_DOUBLE_EQ(run.histogram.fidelity(), 1.0);
  EXPECT_FALSE(run.partial);
}

TEST(Driver, ValidCertificateGetsOkOverHttp2AndHttp1) {
  for (Proto proto : {Proto::kH2, Proto::kH1}) {
    Scenario s = scenario(200);
    s.proto = proto;
    s.client = proto == Proto::kH1 ? "h1" : "go";
    s.client_cert = ClientCert::kValid;
    const RunRecord run = run_scenario(plan_run(s), pki());
    EXPECT_EQ(run.histogram.count("ok"), 200u) << name(proto);
    EXPECT_EQ(run.histogram.truth().at("ok"), 200u);
  }
}

TEST(Driver, SequentialClientWithValidCertificateGetsOk) {
  Scenario s = scenario(100);
  s.client = "sequential";
  s.client_cert = ClientCert::kValid;
  EXPECT_EQ(run_scenario(plan_run(s), pki()).histogram.count("ok"), 100u);
}

// The server's truth does not race: it is what BoringSSL decided about the certificate.
void expect_truth(ClientCert cert, std::string_view client, const std::string& truth) {
  Scenario s = scenario(200);
  s.client_cert = cert;
  s.client = client;
  const RunRecord run = run_scenario(plan_run(s), pki());
  ASSERT_EQ(run.histogram.truth().size(), 1u) << run.histogram.truth().begin()->first;
  EXPECT_EQ(run.histogram.truth().at(truth), 200u);
  // Whatever the client saw, it was one of the classes this race can produce.
  for (const auto& c : run.histogram.classes()) {
    EXPECT_TRUE(c.cls == truth || c.cls == "write:EPIPE" || c.cls == "write:ECONNRESET" ||
                c.cls == "read:ECONNRESET" || c.cls == "h2:no_connection")
        << c.cls << ": " << c.example;
  }
}

// `top -H`, `perf sched` and gdb tell h2race's threads apart by name (docs/go-model.md uses it).
TEST(Driver, ThreadsAreNamedForProfilers) {
  Scenario s = scenario(20);
  s.client = "go";
  std::mutex mu;
  std::set<std::string> names;
  DriverHooks hooks;
  hooks.on_iteration = [&](const Outcome&, std::string_view) {
    std::lock_guard lock(mu);
    for (const auto& thread : process_threads()) names.insert(thread.name);
  };
  run_scenario(plan_run(s), pki(), hooks);
  EXPECT_TRUE(names.contains("h2race-server"));
  EXPECT_TRUE(names.contains("h2race-client"));
  EXPECT_TRUE(names.contains("h2race-readloop"));
}

TEST(Driver, NoCertificateTruthIsCertificateRequired) {
  expect_truth(ClientCert::kNone, "go", "tls_alert:certificate_required");
  expect_truth(ClientCert::kNone, "sequential", "tls_alert:certificate_required");
}
TEST(Driver, UntrustedCertificateTruthIsUnknownCa) {
  expect_truth(ClientCert::kUntrusted, "go", "tls_alert:unknown_ca");
}
TEST(Driver, ExpiredCertificateTruthIsCertificateExpired) {
  expect_truth(ClientCert::kExpired, "go", "tls_alert:certificate_expired");
}
TEST(Driver, WrongKeyUsageTruthIsUnsupportedCertificate) {
  expect_truth(ClientCert::kWrongUsage, "go", "tls_alert:unsupported_certificate");
}

TEST(Driver, Tls12AlertArrivesInsideTheHandshakeSoThereIsNoRace) {
  Scenario s = scenario(300);
  s.tls = TlsVersion::k12;
  const RunRecord run = run_scenario(plan_run(s), pki());
  ASSERT_EQ(run.histogram.classes().size(), 1u);
  EXPECT_EQ(run.histogram.truth().begin()->first, run.histogram.classes()[0].cls);
  EXPECT_EQ(run.histogram.classes()[0].cls.rfind("tls_alert:", 0), 0u);
}

TEST(Driver, Tls12FlightOfTheGoModelIsNotHeldBack) {
  // The go model corks its last flight to send a trailing record in the same segment (TLS 1.3).
  // A TLS 1.2 client then waits for the server: a cork left on would hold its flight until the
  // kernel's 200 ms cork timer, and under a 150 ms timeout every iteration would time out.
  // Bound: at least half see the alert, and the server sent it on at least half; a loopback TLS
  // 1.2 handshake takes about a millisecond, so only a machine stalled for 150 ms on half the
  // iterations could fail this (an iteration that did time out has another truth).
  Scenario s = scenario(100);
  s.tls = TlsVersion::k12;
  s.timeout = std::chrono::milliseconds(150);
  const RunRecord run = run_scenario(plan_run(s), pki());
  const auto& truth = run.histogram.truth();
  const auto alert = truth.find("tls_alert:handshake_failure");
  ASSERT_NE(alert, truth.end()) << truth.size() << " other truths";
  EXPECT_GE(alert->second, 50u);
  EXPECT_GE(run.histogram.count("tls_alert:handshake_failure"), 50u);
}

TEST(Driver, FreshServerPerIterationRecordsTruthToo) {
  Scenario s = scenario(50);
  s.fresh_server = true;
  s.proto = Proto::kH1;
  s.client = "h1";
  const RunRecord run = run_scenario(plan_run(s), pki());
  EXPECT_EQ(run.histogram.truth().at("tls_alert:certificate_required"), 50u);
  EXPECT_EQ(run.histogram.count("tls_alert:certificate_required"), 50u);
}

TEST(Driver, OtherKeyTypesWork) {
  for (KeyType k : {KeyType::kP256, KeyType::kRsa2048}) {
    const Pki p(k);
    Scenario s = scenario(50);
    s.key_type = k;
    s.client_cert = ClientCert::kValid;
    EXPECT_EQ(run_scenario(plan_run(s), p).histogram.count("ok"), 50u) << name(k);
  }
}

}  // namespace
}  // namespace h2race
