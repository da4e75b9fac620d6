#include "core/outcome.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>

#include "core/alert_names.h"
#include "core/classes.h"
#include "core/external_rules.h"

namespace h2race {
namespace {

uint32_t alert_error(int alert) { return ERR_PACK(ERR_LIB_SSL, SSL_AD_REASON_OFFSET + alert); }

TEST(Classify, ReceivedAlertBecomesTlsAlertWithRfc8446Name) {
  struct Row {
    int alert;
    const char* cls;
  };
  const Row rows[] = {{116, "tls_alert:certificate_required"},
                      {42, "tls_alert:bad_certificate"},
                      {48, "tls_alert:unknown_ca"},
                      {45, "tls_alert:certificate_expired"},
                      {40, "tls_alert:handshake_failure"},
                      {43, "tls_alert:unsupported_certificate"},
                      {46, "tls_alert:certificate_unknown"},
                      {80, "tls_alert:internal_error"},
                      {120, "tls_alert:no_application_protocol"}};
  for (const auto& r : rows) {
    const Outcome o = classify_ssl_failure("read", SSL_ERROR_SSL, 0, alert_error(r.alert));
    EXPECT_EQ(o.cls, r.cls) << r.alert;
    EXPECT_EQ(o.alert, r.alert);
  }
}

TEST(Classify, AlertIsTheClassWhicheverCallReceivedIt) {
  EXPECT_EQ(classify_ssl_failure("handshake", SSL_ERROR_SSL, 0, alert_error(40)).cls,
            "tls_alert:handshake_failure");
  EXPECT_EQ(classify_ssl_failure("write", SSL_ERROR_SSL, 0, alert_error(116)).cls,
            "tls_alert:certificate_required");
}

TEST(Classify, AlertRawTextReadsLikeGo) {
  EXPECT_EQ(classify_ssl_failure("read", SSL_ERROR_SSL, 0, alert_error(116)).raw,
            "remote error: tls: certificate required");
}

TEST(Classify, SyscallErrnoBecomesOpColonErrnoName) {
  EXPECT_EQ(classify_ssl_failure("write", SSL_ERROR_SYSCALL, EPIPE, 0).cls, "write:EPIPE");
  EXPECT_EQ(classify_ssl_failure("write", SSL_ERROR_SYSCALL, ECONNRESET, 0).cls,
            "write:ECONNRESET");
  EXPECT_EQ(classify_ssl_failure("read", SSL_ERROR_SYSCALL, ECONNRESET, 0).cls, "read:ECONNRESET");
  const Outcome o = classify_ssl_failure("write", SSL_ERROR_SYSCALL, EPIPE, 0);
  EXPECT_EQ(o.err, EPIPE);
  EXPECT_EQ(o.raw, "write: Broken pipe");
}

TEST(Classify, SyscallWithoutErrnoIsEof) {
  EXPECT_EQ(classify_ssl_failure("read", SSL_ERROR_SYSCALL, 0, 0).cls, "read:EOF");
}

TEST(Classify, CloseNotifyIsEof) {
  EXPECT_EQ(classify_ssl_failure("read", SSL_ERROR_ZERO_RETURN, 0, 0).cls, "read:EOF");
}

TEST(Classify, OtherTlsErrorsKeepTheirText) {
  const uint32_t e = ERR_PACK(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED);
  const Outcome o = classify_ssl_failure("handshake", SSL_ERROR_SSL, 0, e);
  EXPECT_EQ(o.cls, "other");
  EXPECT_NE(o.raw.find("CERTIFICATE_VERIFY_FAILED"), std::string::npos) << o.raw;
}

TEST(Classify, ConnectErrors) {
  EXPECT_EQ(errno_outcome("connect", ECONNREFUSED).cls, "connect:ECONNREFUSED");
  EXPECT_EQ(errno_outcome("connect", EADDRNOTAVAIL).cls, "connect:EADDRNOTAVAIL");
}

TEST(Classify, Http2Frames) {
  EXPECT_EQ(h2_frame_outcome("goaway", 0x1).cls, "h2:goaway:PROTOCOL_ERROR");
  EXPECT_EQ(h2_frame_outcome("rst_stream", 0x8).cls, "h2:rst_stream:CANCEL");
}

TEST(Classify, NoConnectionKeepsTheCauseInItsText) {
  const Outcome cause = classify_ssl_failure("read", SSL_ERROR_SSL, 0, alert_error(116));
  const Outcome o = no_connection_outcome(cause);
  EXPECT_EQ(o.cls, "h2:no_connection");
  EXPECT_NE(o.raw.find("could not be established"), std::string::npos);
  EXPECT_NE(o.raw.find("certificate required"), std::string::npos);
}

TEST(Classify, TimeoutAndOk) {
  EXPECT_EQ(timeout_outcome("read").cls, "timeout");
  EXPECT_EQ(ok_outcome().cls, "ok");
}

TEST(AlertNames, RoundTripAndUnknownNumbers) {
  EXPECT_EQ(alert_name(116), "certificate_required");
  EXPECT_EQ(alert_number("unknown_ca"), 48);
  EXPECT_EQ(alert_name(255), "alert_255");
  EXPECT_FALSE(alert_number("no_such_alert"));
}

// probe --expect and a client definition's rules accept the same spellings: every class the
// docs list, including those without an alert, errno or code in them (conn:closed_locally and
// write:errno_lost were once refused by probe --expect).
TEST(ClassSpelling, ProbeAndDefinitionRulesAcceptEveryFixedClass) {
  for (std::string_view c : cls::kFixedClasses) {
    EXPECT_TRUE(is_class_spelling(c)) << c;
    EXPECT_TRUE(is_canonical_class(c)) << c;
  }
  EXPECT_FALSE(is_class_spelling("conn:closed"));
  EXPECT_FALSE(is_canonical_class("conn:closed"));
}

}  // namespace
}  // namespace h2race
