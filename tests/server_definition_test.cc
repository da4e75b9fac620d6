// Server definitions: a user's --server-def is read like the built-in ones, and a malformed one
// is an error naming FILE:LINE, never a server started with half a config.
#include "core/server_definition.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "servers/server_kinds.h"

namespace h2race {
namespace {

constexpr std::string_view kGood = R"(# a comment
name     toy
summary  "a toy server"
program  toy-server
package  toy
speaks   h2 h1
mtls     "verify required"
knob linger "linger 5"
knob http-403 "deny 403 unless verified" mtls "verify optional"
keys     p256 rsa2048
argv     {program} -f {tmp}/toy.conf
stop     QUIT
file toy.conf <<END
listen {host}:{port} {
  cert {cert}; key {key}; ca {ca}; {mtls}; {knob}
  literal {{port}} and ${HOME} and { spaced }
}
END
)";

TEST(ServerDefinition, ParsesEveryKey) {
  const ServerDefinition d = parse_server_definition(kGood, "/defs/toy.server");
  EXPECT_EQ(d.name, "toy");
  EXPECT_EQ(d.summary, "a toy server");
  EXPECT_TRUE(d.speaks_h1 && d.speaks_h2);
  EXPECT_EQ(d.mtls, "verify required");
  EXPECT_TRUE(d.has_mtls);
  EXPECT_EQ(d.knobs.at("linger").text, "linger 5");
  EXPECT_FALSE(d.knobs.at("linger").mtls);
  EXPECT_EQ(d.knobs.at("http-403").mtls, "verify optional");
  EXPECT_EQ(d.keys, (std::vector<std::string>{"p256", "rsa2048"}));
  EXPECT_EQ(d.stop_signal, 3);
  EXPECT_EQ(d.dir, "/defs");
  ASSERT_EQ(d.files.size(), 1u);
  EXPECT_EQ(d.files[0].first, "toy.conf");
  EXPECT_EQ(d.argv, (std::vector<std::string>{"{program}", "-f", "{tmp}/toy.conf"}));
}

TEST(ServerDefinition, FillsPlaceholdersAndKeepsAConfigsOwnBraces) {
  const ServerDefinition d = parse_server_definition(kGood, "/defs/toy.server");
  const std::map<std::string, std::string> v{
      {"host", "127.0.0.1"},       {"port", "4433"}, {"cert", "c"}, {"key", "k"}, {"ca", "a"},
      {"mtls", "verify required"}, {"knob", ""}};
  EXPECT_EQ(fill_server_placeholders(d.files[0].second, v, true),
            "listen 127.0.0.1:4433 {\n  cert c; key k; ca a; verify required; \n"
            "  literal {port} and ${HOME} and { spaced }\n}\n");
  EXPECT_EQ(fill_server_placeholders("{tmp}/x-{port}", {{"tmp", "/t"}, {"port", "1"}}, false),
            "/t/x-1");
}

TEST(ServerDefinition, MtlsNoneMeansTheProgramHasNoSuchMode) {
  std::string text(kGood);
  text.replace(text.find("\"verify required\""), 17, "none");
  const ServerDefinition d = parse_server_definition(text, "t.server");
  EXPECT_FALSE(d.has_mtls);
  EXPECT_EQ(d.mtls, "");
}

// Each malformed definition names its file and the line at fault.
TEST(ServerDefinition, MalformedIsFileColonLine) {
  struct Case {
    std::string text, where, says;
  };
  const std::string head = "name t\nprogram p\npackage p\nspeaks h2\nmtls on\n";
  const Case cases[] = {
      {head + "argv {program}\nbogus 1\n", "t.server:7:", "unknown key 'bogus'"},
      {head + "argv p {port}\n", "t.server:6:", "must start with {program}"},
      {head + "argv {program} {prot}\n", "t.server:6:", "unknown placeholder {prot}"},
      {head + "argv {program}\nfile a.conf <<END\nx {porta}\n",
       "t.server:8:", "unknown placeholder {porta}"},
      {head + "argv {program}\nfile a.conf <<END\nnever ended\n",
       "t.server:7:", "no line 'END' ends it"},
      {head + "argv {program}\nfile ../a <<END\nEND\n", "t.server:7:", "no /"},
      {head + "argv {program}\nkeys p256 dsa\n", "t.server:7:", "not a --key type"},
      {head + "argv {program}\nstop USR9\n", "t.server:7:", "not one of TERM"},
      {head + "argv {program}\nknob k \"t\" mlts x\n", "t.server:7:", "optionally mtls"},
      {head + "argv {program}\nspeaks h3\n", "t.server:7:", "speaks given twice"},
      {"name t\nprogram p\npackage p\nspeaks h2\nargv {program}\n",
       "t.server:5:", "no 'mtls' line"},
      {"", "t.server:1:", "no 'name' line"},
      {head + "argv \"{program}\n", "t.server:6:", "unterminated quote"},
  };
  for (const Case& c : cases) {
    try {
      parse_server_definition(c.text, "t.server");
      ADD_FAILURE() << "parsed:\n" << c.text;
    } catch (const DefinitionError& e) {
      const std::string what = e.what();
      EXPECT_TRUE(what.starts_with(c.where)) << what;
      EXPECT_NE(what.find(c.says), std::string::npos) << what;
    }
  }
}

// The built-in definitions parse (a broken one would stop every run) and state each key a
// user reads: version in the comment, package, the mTLS switch.
TEST(ServerDefinition, EveryBuiltinParsesAndIsOnLoopback) {
  const std::filesystem::path dir = std::filesystem::path(H2RACE_SOURCE_DIR) / "servers/external";
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".server") continue;
    ++n;
    const ServerDefinition d = read_server_definition(entry.path());
    EXPECT_EQ(d.name + ".server", entry.path().filename().string());
    EXPECT_FALSE(d.package.empty()) << d.name;
    // Every one binds {host} (h2race's loopback address) in its argv or its config.
    bool binds_host = false;
    for (const auto& w : d.argv) binds_host |= w.find("{host}") != std::string::npos;
    for (const auto& [name, body] : d.files) binds_host |= body.find("{host}") != std::string::npos;
    EXPECT_TRUE(binds_host) << d.name << " does not bind {host}";
  }
  EXPECT_GE(n, 10);
}

}  // namespace
}  // namespace h2race
