// `h2race run --client-def FILE`: a user's own client, defined as data. A tiny Python script
// stands in for the program: it opens a TCP connection to the server per request (so the server
// records a truth for it), closes it, and prints a canned answer with the connection's local
// address. The answers' classes come from the definition's rules, and every one is paired with
// its connection's truth by 4-tuple.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

using Result = ShellResult;

class ClientDefRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("h2race_client_def_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  fs::path dir_;
};

const char* const kScript = R"(
import socket, sys, urllib.parse
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
url = urllib.parse.urlparse(args["--url"])
canned = ["ok 200", "error canned: write: broken pipe", "error something nobody has seen"]
for i in range(int(args["-n"])):
    s = socket.create_connection((url.hostname, url.port))
    host, port = s.getsockname()[:2]
    s.close()
    print(f"{host}:{port}\t{canned[i % 3]}", flush=True)
)";

const char* const kDefinition = R"(# a scripted client for the test
name      canned
summary   "prints canned answers"
program   /usr/bin/python3
package   python3
speaks    h2
answers   lines
local-address line
requests-per-process 3
argv      {program} {dir}/canned.py --url {url} -n {count}

rule contains "ok " => ok
rule contains "broken pipe" => write:EPIPE
)";

TEST_F(ClientDefRun, CannedAnswersAreClassifiedByItsRulesAndPairedWithTheServersTruth) {
  write("canned.py", kScript);
  const fs::path def = write("canned.client", kDefinition);
  const fs::path json = dir_ / "run.json";
  const Result r =
      h2race("run -q -n 9 --jobs 2 --client-def " + def.string() + " --json " + json.string());
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream in(json);
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["scenario"]["client"], "canned");
  std::map<std::string, uint64_t> classes;
  for (const auto& c : j["classes"]) classes[c["class"]] = c["count"];
  EXPECT_EQ(classes,
            (std::map<std::string, uint64_t>{{"ok", 3}, {"write:EPIPE", 3}, {"other", 3}}));
  // Every connection's truth was found: none is "unknown".
  uint64_t paired = 0;
  for (const auto& [truth, count] : j["truth"].items()) {
    EXPECT_NE(truth, "unknown") << j["truth"].dump();
    paired += count.get<uint64_t>();
  }
  EXPECT_EQ(paired, 9u);
}

// --log: one line per answer, saying its place in its process (the canned answers repeat per
// process, so each place has one class) and covering every iteration once.
TEST_F(ClientDefRun, TheLogSaysEachAnswersPlaceInItsProcess) {
  write("canned.py", kScript);
  const fs::path def = write("canned.client", kDefinition);
  const fs::path log = dir_ / "run.jsonl";
  const Result r =
      h2race("run -q -n 9 --jobs 2 --client-def " + def.string() + " --log " + log.string());
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream in(log);
  std::map<uint64_t, std::string> class_at_place;
  std::vector<int> seen(9, 0);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["client"], "canned");
    EXPECT_NE(j["truth"], "unknown") << line;  // paired with the server's record
    const uint64_t place = j["in_batch"];
    ASSERT_LT(place, 3u) << line;
    const auto [it, first] = class_at_place.emplace(place, j["class"]);
    EXPECT_EQ(it->second, j["class"].get<std::string>()) << "place " << place << ": " << line;
    const uint64_t iteration = j["iteration"];
    ASSERT_LT(iteration, 9u) << line;
    ++seen[iteration];
  }
  EXPECT_EQ(lines, 9);
  EXPECT_EQ(seen, std::vector<int>(9, 1));
  EXPECT_EQ(class_at_place,
            (std::map<uint64_t, std::string>{{0, "ok"}, {1, "write:EPIPE"}, {2, "other"}}));
}

// `h2race classify`: the program's saved answer lines get the classes a run gives them, with the
// same rules, each line kept beside its class. The redials field is not part of the answer (with
// it, "ok 404" would not be a status and the rule `contains "ok "` would make it ok), a line saved
// with CRLF is the same answer, and a last line without a newline is still a line.
TEST_F(ClientDefRun, ClassifyGivesSavedAnswersTheClassesOfARun) {
  const fs::path def = write("canned.client", kDefinition);
  const fs::path answers = write("answers.txt",
                                 "127.0.0.1:4000\tok 200\n"
                                 "-\tredials=2\terror canned: write: broken pipe\n"
                                 "-\tredials=1\tok 404\r\n"
                                 "127.0.0.1:4001\terror something nobody has seen\n"
                                 "127.0.0.1:4002\tok 404");
  const Result r = h2race("classify --client-def " + def.string() + " " + answers.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output,
            "ok\t127.0.0.1:4000\tok 200\n"
            "write:EPIPE\t-\tredials=2\terror canned: write: broken pipe\n"
            "http:404\t-\tredials=1\tok 404\n"
            "other\t127.0.0.1:4001\terror something nobody has seen\n"
            "http:404\t127.0.0.1:4002\tok 404\n");
}

TEST_F(ClientDefRun, ClassifyRefusesAClientWithoutAnswerLinesNamingTheFlag) {
  const fs::path answers = write("answers.txt", "-\tok 200\n");
  const fs::path exits = write("exits.client",
                               "name exits\nprogram /usr/bin/python3\npackage python3\n"
                               "speaks h2\nanswers exit-status\nargv {program} -c pass\n");
  for (const auto& [args, names] : std::vector<std::pair<std::string, std::string>>{
           {"classify --client go " + answers.string(), "--client go: an in-process client"},
           {"classify --client curl " + answers.string(), "--client curl: answers by exit status"},
           {"classify --client-def " + exits.string() + " " + answers.string(),
            "--client-def " + exits.string() + " (client exits): answers by exit status"},
           {"classify --client nosuch " + answers.string(), "--client nosuch: no such client"},
           {"classify " + answers.string(), "classify needs --client NAME or --client-def FILE"},
           {"classify --client go1.26-net-http " + (dir_ / "none.txt").string(),
            (dir_ / "none.txt").string()}}) {
    const Result r = h2race(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(names), std::string::npos) << args << "\n" << r.output;
  }
}

TEST_F(ClientDefRun, ALogOnStdoutIsRefusedBeforeAnythingRuns) {
  const fs::path def = write("canned.client", kDefinition);
  const Result r = h2race("run -n 1 --client-def " + def.string() + " --log -");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--log -"), std::string::npos) << r.output;
}

TEST_F(ClientDefRun, AMalformedDefinitionExits2WithFileAndLine) {
  const fs::path def = write("bad.client", "name bad\nprogram x\nrule contains x => write:OOPS\n");
  const Result r = h2race("run -n 1 --client-def " + def.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find(def.string() + ":3: rule: 'write:OOPS'"), std::string::npos) << r.output;
}

TEST_F(ClientDefRun, AMissingProgramExits2NamingItsPackage) {
  const fs::path def = write("gone.client",
                             "name gone\nprogram /nonexistent/gone\npackage gone-tools\nspeaks h2\n"
                             "answers exit-status\nargv {program} {url}\n");
  Result r = h2race("run -n 1 --client-def " + def.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("(package gone-tools)"), std::string::npos) << r.output;
  // The flag the user gave, and no promise that scripts/setup knows the package.
  EXPECT_NE(r.output.find("--client-def (gone)"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("scripts/setup"), std::string::npos) << r.output;
  const fs::path needs =
      write("needs.client",
            "name needy\nprogram /bin/sh\npackage sh\nneeds libneedy "
            "{dir}/no-such-lib\nspeaks h2\nanswers exit-status\nargv {program}\n");
  r = h2race("run -n 1 --client-def " + needs.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("libneedy"), std::string::npos) << r.output;
}

TEST_F(ClientDefRun, ModeledByMustNameAnInProcessClient) {
  std::string bad = kDefinition;
  bad += "modeled-by nonsense\n";
  const Result r = h2race("run -n 1 --client-def " + write("bad.client", bad).string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("modeled-by nonsense: not an in-process client"), std::string::npos)
      << r.output;
}

TEST_F(ClientDefRun, ANameThatIsTakenOrAClientGivenTooExits2) {
  std::string taken = kDefinition;
  taken.replace(taken.find("canned"), 6, "curl");
  const fs::path def = write("curl.client", taken);
  const Result r = h2race("run -n 1 --client-def " + def.string());
  EXPECT_EQ(r.code, 2) << r.output;
  // FILE:LINE of the name (line 2 of kDefinition), as for any other fault of a definition.
  EXPECT_NE(r.output.find(def.string() + ":2: name curl is already a client"), std::string::npos)
      << r.output;
  const fs::path ok = write("canned.client", kDefinition);
  EXPECT_EQ(h2race("run -n 1 --client go --client-def " + ok.string()).code, 2);
}

}  // namespace
}  // namespace h2race
