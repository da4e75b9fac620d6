// The client definition format (core/client_definition.h): every built-in definition parses, the
// fields land where they should, and each kind of mistake is reported with FILE:LINE.
#include "core/client_definition.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace h2race {
namespace {

const char* const kMinimal =
    "name tiny\n"
    "program tiny\n"
    "package tiny-pkg\n"
    "speaks h2\n"
    "answers exit-status\n"
    "argv {program} {url}\n";

// The message of the DefinitionError text raises, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    parse_client_definition(text, "/defs/x.client");
  } catch (const DefinitionError& e) {
    return e.what();
  }
  return "";
}

TEST(ClientDefinition, EveryBuiltInDefinitionParses) {
  int n = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(H2RACE_SOURCE_DIR) + "/clients/external")) {
    if (entry.path().extension() != ".client") continue;  // a rules-from file
    const ClientDefinition d = read_client_definition(entry.path());
    EXPECT_EQ(d.name + ".client", entry.path().filename().string());
    EXPECT_FALSE(d.rules.rules.empty()) << d.name;
    EXPECT_FALSE(d.cert_argv.empty()) << d.name;
    ++n;
  }
  // Fourteen programs: the Go client built by two Gos, each also with -prefer-alert; the Rust
  // adapter as rust-reqwest and rust-hyper; grpc-go, -node, -python, -java; httpx from Debian and
  // from PyPI; Node's http2 and undici; Java's HttpClient and OkHttp.
  EXPECT_EQ(n, 18);
}

TEST(ClientDefinition, FieldsAndDefaults) {
  const ClientDefinition d = parse_client_definition(
      std::string(kMinimal) +
          "summary \"a tiny client\"  # comment\n"
          "requests-per-process 1\n"
          "needs some-pkg {dir}/lib.so\n"
          "alert-name \"bad cert\" bad_certificate\n"
          "rule exit 3 contains \"said \\\"no\\\"\" contains x => write:EPIPE\n"
          "rule contains GOAWAY => h2:goaway after ErrCode=\n",
      "/defs/tiny.client");
  EXPECT_EQ(d.name, "tiny");
  EXPECT_EQ(d.summary, "a tiny client");
  EXPECT_EQ(d.dir, "/defs");
  EXPECT_TRUE(d.speaks_h2);
  EXPECT_FALSE(d.speaks_h1);
  EXPECT_EQ(d.answers, ClientDefinition::Answers::kExitStatus);
  EXPECT_FALSE(d.reports_local_address());
  EXPECT_EQ(d.argv, (std::vector<std::string>{"{program}", "{url}"}));
  ASSERT_EQ(d.needs.size(), 1u);
  EXPECT_EQ(d.needs[0].first, "some-pkg");
  ASSERT_EQ(d.rules.rules.size(), 2u);
  EXPECT_EQ(d.rules.rules[0].exit_code, 3);
  EXPECT_EQ(d.rules.rules[0].contains, (std::vector<std::string>{"said \"no\"", "x"}));
  EXPECT_EQ(d.rules.rules[0].cls, "write:EPIPE");
  EXPECT_EQ(d.rules.rules[1].action, RuleAction::kGoawayAfter);
  EXPECT_EQ(d.rules.alert_names.at(0).second, "bad_certificate");
}

TEST(ClientDefinition, MistakesNameTheFileAndLine) {
  const std::string m = kMinimal;
  const std::vector<std::pair<std::string, std::string>> cases{
      {m + "colour blue\n", "/defs/x.client:7: unknown key 'colour'"},
      {m + "name again\n", "/defs/x.client:7: name given twice"},
      {m + "speaks h3\n", "/defs/x.client:7: speaks given twice"},
      {m + "rule contains x => write:EWHATEVER\n", "/defs/x.client:7: rule: 'write:EWHATEVER'"},
      {m + "rule contains x => tls_alert:certificate_wanted\n", "/defs/x.client:7: rule: "},
      {m + "rule contains x\n", "/defs/x.client:7: rule: needs '=> CLASS'"},
      {m + "rule exit 256 => ok\n", "/defs/x.client:7: rule exit: '256'"},
      {m + "rule => ok after x\n", "/defs/x.client:7: rule: '=> ok ...'"},
      {m + "rule contains \"open => ok\n", "/defs/x.client:7: unterminated quote"},
      {m + "cert-argv --cert {certificate}\n",
       "/defs/x.client:7: '{certificate}': unknown placeholder"},
      {"name tiny\nprogram t\npackage p\nspeaks h2\nanswers lines\nargv {program} {cert}\n",
       "/defs/x.client:6: '{cert}': unknown placeholder"},
      // {slow_request_us} only where the run slows the request.
      {m + "cert-argv --slow {slow_request_us}us\n",
       "/defs/x.client:7: '{slow_request_us}us': unknown placeholder"},
      {m + "slow-request-argv --slow {cert}\n", "/defs/x.client:7: '{cert}': unknown placeholder"},
      {"name Tiny\n", "/defs/x.client:1: name 'Tiny'"},
      {"name tiny\nprogram t\n", "/defs/x.client:2: no 'package' line"},
      {m + "requests-per-process 5\n", "/defs/x.client:7: answers exit-status means"},
      {m + "local-address line\n", "/defs/x.client:7: local-address line needs answers lines"},
      {m + "paced yes\n", "/defs/x.client:7: paced needs answers lines"},
      {m + "argv {program} {url\n", "/defs/x.client:7: argv given twice"},
      {"argv {program} {url\n", "/defs/x.client:1: '{url': unclosed {"},
      {"argv a}b\n", "/defs/x.client:1: 'a}b': a lone }"},
      {std::string("name a\0b\n", 9), "/defs/x.client:1: a NUL byte"},
      {m + "rule contains x => tls_alert after\n",
       "/defs/x.client:7: rule: '=> tls_alert ...' needs 'after \"MARKER\"...'"},
      {"", "/defs/x.client:1: no 'name' line"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string error = error_of(text);
    EXPECT_TRUE(error.starts_with(expected)) << "got: " << error << "\nwanted: " << expected;
  }
  EXPECT_EQ(error_of(m), "");
}

}  // namespace
}  // namespace h2race
