// Every fuzz/reproducers/<class>.sched must replay to its class in at least 19 of 20 replays.
// Runs the real binary, as a user would: `h2race replay FILE --times 20`.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

std::vector<std::string> reproducers() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(H2RACE_REPRODUCERS)) {
    if (e.path().extension() == ".sched") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class Reproducer : public ::testing::TestWithParam<std::string> {};

TEST_P(Reproducer, ReplaysToItsClassAtLeast19Of20) {
  const std::string file = std::string(H2RACE_REPRODUCERS) + "/" + GetParam();
  const std::string cls = GetParam().substr(0, GetParam().size() - 6);  // drop ".sched"
  const std::string cmd = std::string(H2RACE_BIN) + " replay '" + file + "' --times 20 -q 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  EXPECT_EQ(out.find("did not hold"), std::string::npos) << out;
  // Summary line: "<file>: <class> <count>/20 ..."
  const std::string needle = " " + cls + " ";
  const size_t at = out.find(needle);
  ASSERT_NE(at, std::string::npos) << "no replay gave " << cls << ":\n" << out;
  const int count = std::atoi(out.c_str() + at + needle.size());
  EXPECT_GE(count, 19) << out;
}

INSTANTIATE_TEST_SUITE_P(AllReproducers, Reproducer, ::testing::ValuesIn(reproducers()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string name = p.param.substr(0, p.param.size() - 6);
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
