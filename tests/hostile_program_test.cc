// External programs that misbehave (docs/reliability.md, "Supervising external programs"): a
// daemonising grandchild, bytes that are not text, floods, endless output, bad definition files.
// Each program is a small shell script run by its own definition (`--client-def`), one request
// per line, paired with the server's sole record (one job). Every run must end by itself, within
// its bounds, with its JSON written and nothing left running.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

class HostileProgram : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("h2race_hostile_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  // A definition running `sh prog.sh` with the line protocol (or exit status), one job.
  fs::path definition(const std::string& script, const std::string& answers = "lines",
                      const std::string& extra = "") {
    write("prog.sh", script);
    return write("prog.client", "name prog\nprogram /bin/sh\npackage dash\nspeaks h2\nanswers " +
                                    answers + "\n" + extra +
                                    "argv {program} {dir}/prog.sh {count}\n"
                                    "rule contains \"ok \" => ok\n");
  }
  // `h2race run` with the definition; the JSON, parsed (empty when none was written).
  nlohmann::json run(const fs::path& def, const std::string& flags, ShellResult& r) {
    const fs::path json = dir_ / "run.json";
    r = h2race("run --jobs 1 --client-def " + def.string() + " " + flags + " --json " +
               json.string());
    std::ifstream in(json);
    return in ? nlohmann::json::parse(in) : nlohmann::json();
  }
  fs::path dir_;
};

// Live processes whose command line is exactly `argv` (NUL-separated in /proc).
int live_processes_with_cmdline(const std::string& argv) {
  int n = 0;
  DIR* proc = opendir("/proc");
  while (const dirent* e = readdir(proc)) {
    // read(2), not a stream: a process that exits meanwhile makes libstdc++'s filebuf throw.
    const int fd = open((std::string("/proc/") + e->d_name + "/cmdline").c_str(), O_RDONLY);
    if (fd < 0) continue;
    std::string cmdline;
    char buf[256];
    for (ssize_t r; (r = read(fd, buf, sizeof(buf))) > 0;) cmdline.append(buf, size_t(r));
    close(fd);
    if (cmdline == argv) ++n;
  }
  closedir(proc);
  return n;
}

// Row 1: a grandchild that leaves the process group (setsid) and keeps the pipes open used to
// hold the run until it died (1,000 s), ignoring SIGTERM; SIGKILL then left it running.
TEST_F(HostileProgram, ADaemonisingGrandchildNeitherHoldsTheRunNorOutlivesIt) {
  const auto def =
      definition("setsid sleep 987.654 &\nfor i in $(seq $1); do echo \"- ok 200\"; done\n");
  ShellResult r;
  const auto j = run(def, "-n 2 --timeout-ms 500", r);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(j["classes"][0]["class"], "ok") << j.dump();
  EXPECT_EQ(live_processes_with_cmdline(std::string("sleep\0987.654\0", 14)), 0);
}

// Row 2: bytes that are not UTF-8, control characters (ESC, BEL, NUL) and a cut inside a
// character used to make the JSON writer throw (exit 3, JSON lost) and reach the terminal.
TEST_F(HostileProgram, BytesThatAreNotTextAreReplacedAndTheJsonIsWritten) {
  const auto def = definition(
      "printf -- '- error \\377\\376 \\033[31mred\\007 nul:\\000: caf\\303\\251 \\303\\n'\n"
      "printf -- '- ok 200'\n",  // the last line without a newline
      "lines", "requests-per-process 2\n");
  ShellResult r;
  const auto j = run(def, "-n 2", r);
  ASSERT_EQ(r.code, 0) << r.output;
  std::string example;
  for (const auto& c : j["classes"]) {
    if (c["class"] == "other") example = c["example"];
  }
  EXPECT_NE(example.find("caf\xC3\xA9"), std::string::npos) << example;   // valid text kept
  EXPECT_NE(example.find("\xEF\xBF\xBD"), std::string::npos) << example;  // U+FFFD
  for (char c : example) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20) << example;
  for (char c : r.output) EXPECT_NE(c, '\033') << r.output;  // nothing for the terminal
  // The last line had no newline, and still answered its request.
  EXPECT_EQ(j["iterations"], 2);
  EXPECT_EQ(j["classes"].size(), 2u) << j.dump();
}

// Row 3: 1 GB of output (with or without newlines) used to cost 41 s and 1 GB of memory; every
// extra line restarted the deadline.
TEST_F(HostileProgram, AFloodIsKilledAtItsByteCap) {
  for (const std::string flood :
       {"yes - ok 200 | head -c 200000000\n", "head -c 200000000 /dev/zero | tr '\\000' x\n",
        "echo '- ok 200'; head -c 200000000 /dev/zero >&2\n"}) {
    const auto def = definition(flood);
    ShellResult r;
    const auto j = run(def, "-n 1 --timeout-ms 60000", r);
    ASSERT_EQ(r.code, 0) << flood << r.output;
    EXPECT_EQ(j["iterations"], 1) << flood;
  }
}

TEST_F(HostileProgram, LinesAfterTheLastAnswerDoNotExtendTheDeadline) {
  // One answer, then a line every 10 ms forever: the run ends one bound after the answer.
  const auto def = definition("echo '- ok 200'\nwhile :; do echo more; sleep 0.01; done\n");
  ShellResult r;
  const auto j = run(def, "-n 1 --timeout-ms 200", r);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(j["classes"][0]["class"], "ok") << j.dump();
}

// Row 4: a FIFO used to hang the run, a device to read until bad_alloc, a huge file to fill
// memory. The definition is read by the project's bounded reader: exit 2 naming the file.
TEST_F(HostileProgram, ADefinitionThatIsNotARegularSmallFileIsExit2) {
  const fs::path fifo = dir_ / "fifo.client";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const fs::path big = write("big.client", std::string(2 << 20, '#'));
  std::vector<fs::path> inputs{fifo, big};
  const fs::path device = dir_ / "zero.client";
  if (mknod(device.c_str(), S_IFCHR | 0600, makedev(1, 5)) == 0) inputs.push_back(device);
  for (const fs::path& p : inputs) {
    const ShellResult r = h2race("run -n 1 --client-def " + p.string());
    EXPECT_EQ(r.code, 2) << p << r.output;
    EXPECT_NE(r.output.find(p.string()), std::string::npos) << r.output;
  }
}

// Row 10: an argv that does not start with {program} used to fail when the run started (exit 3,
// "cannot start"); a rule text too long to match in bounded time is refused as well.
TEST_F(HostileProgram, ADefinitionThatWouldFailOnlyWhenRunIsExit2WithItsLine) {
  const fs::path bad_argv =
      write("argv.client",
            "name p\nprogram /bin/sh\npackage dash\nspeaks h2\nanswers lines\n"
            "argv /nonexistent/prog {url}\nrule contains \"ok \" => ok\n");
  ShellResult r = h2race("run -n 1 --client-def " + bad_argv.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find(bad_argv.string() + ":6:"), std::string::npos) << r.output;
  const fs::path long_rule =
      write("rule.client",
            "name p\nprogram /bin/sh\npackage dash\nspeaks h2\nanswers lines\n"
            "argv {program}\nrule contains \"" +
                std::string(2000, 'x') + "\" => ok\n");
  r = h2race("run -n 1 --client-def " + long_rule.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find(long_rule.string() + ":7:"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace h2race
