// The CLI contract for paths and values (docs/usage.md, "Exit codes and errors"): outputs that
// are not regular files are refused and kept, a failed write still prints the table and names
// the OS's reason, inputs that are not regular files or are too large are refused without a
// hang, histograms are validated, values are decimal and not empty, signals are never
// swallowed. Device nodes and FIFOs are made by the test in its own temp dir.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "child_ready.h"
#include "core/run_record.h"
#include "core/unique_fd.h"
#include "serve_process.h"
#include "shell_command.h"

namespace {

using h2race::testing::ServeProcess;

namespace fs = std::filesystem;
using h2race::expect_usage_error;
using h2race::h2race;
using h2race::shell_stdout;
using h2race::ShellResult;

class CliInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "h2race-cli-inputs-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return path(name);
  }
  std::string slurp(const std::string& p) const {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  // A small valid histogram made by the binary.
  std::string histogram(const std::string& name) const {
    const ShellResult r = h2race("run -q -n 20 --proto h1 --json " + path(name));
    EXPECT_EQ(r.code, 0) << r.output;
    return path(name);
  }
  // /dev/full's device number, as a node in the test's own directory.
  std::string full_device(const std::string& name) const {
    EXPECT_EQ(mknod(path(name).c_str(), S_IFCHR | 0666, makedev(1, 7)), 0);
    return path(name);
  }
  size_t entries() const { return std::distance(fs::directory_iterator(dir_), {}); }

  fs::path dir_;
};

bool is_char_device(const std::string& p) {
  struct stat st {};
  return lstat(p.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

// --- outputs ---

TEST_F(CliInputs, JsonOntoADeviceNodeIsExit2AndTheNodeStays) {
  if (geteuid() != 0) GTEST_SKIP() << "mknod of a character device needs root";
  const std::string full = full_device("full");
  expect_usage_error("run -n 5 --proto h1 --json " + full,
                     "--json: " + full + " is a character device");
  EXPECT_TRUE(is_char_device(full));
}

TEST_F(CliInputs, JsonOntoAFifoASymlinkOrADirectoryIsExit2) {
  ASSERT_EQ(mkfifo(path("fifo").c_str(), 0600), 0);
  expect_usage_error("run -n 1 --proto h1 --json " + path("fifo"), "is a FIFO");
  fs::create_symlink("/dev/stdout", path("link"));
  expect_usage_error("run -n 1 --proto h1 --json " + path("link"), "is a symlink");
  expect_usage_error("run -n 1 --proto h1 --json /dev/stdout", "--json: /dev/stdout is a symlink");
  expect_usage_error("run -n 1 --proto h1 --json " + dir_.string(), "is a directory");
  const std::string in = histogram("a.json");
  expect_usage_error("compare " + in + " " + in + " --json " + dir_.string(), "--json");
  expect_usage_error("merge " + in + " -o " + dir_.string(), "-o: ");
  expect_usage_error("report " + in + " --md " + dir_.string(), "--md: ");
  expect_usage_error("report " + in + " --svg " + dir_.string(), "--svg: ");
  expect_usage_error("serve --json " + dir_.string(), "--json: ");
}

TEST_F(CliInputs, JsonDashWritesToStdout) {
  const ShellResult r =
      shell_stdout(std::string(H2RACE_BIN) + " run -q -n 3 --proto h1 --json - 2>/dev/null");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(nlohmann::json::parse(r.output)["iterations"], 3);
  const std::string in = histogram("a.json");
  const std::string in2 = histogram("b.json");
  const ShellResult merged =
      shell_stdout(std::string(H2RACE_BIN) + " merge " + in + " " + in2 + " -o - 2>/dev/null");
  ASSERT_EQ(merged.code, 0) << merged.output;
  EXPECT_EQ(nlohmann::json::parse(merged.output)["iterations"], 40);
}

TEST_F(CliInputs, AFailedJsonWriteStillPrintsTheTableNamesTheReasonAndLeavesNoTemporaryFile) {
  // A file size limit of 0 fails the write as a full disk would (EFBIG instead of ENOSPC).
  const ShellResult r = shell_stdout("trap '' XFSZ; ulimit -f 0; " + std::string(H2RACE_BIN) +
                                     " run -n 5 --proto h1 --json " + path("out.json") + " 2>&1");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("tls_alert:certificate_required"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--json: cannot write " + path("out.json") + ": write: File too large"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(entries(), 0u);
}

// --log: a log cut short by a full disk is an error after the table, not a silently short file.
TEST_F(CliInputs, AFailedLogWriteStillPrintsTheTableAndNamesTheReason) {
  // 1 KiB holds about six lines; 300 iterations need about 50 KiB.
  const ShellResult r = shell_stdout("trap '' XFSZ; ulimit -f 1; " + std::string(H2RACE_BIN) +
                                     " run -n 300 --proto h1 --log " + path("run.jsonl") + " 2>&1");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("tls_alert:certificate_required"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--log: cannot write " + path("run.jsonl") + ": File too large"),
            std::string::npos)
      << r.output;
}

// Without the caller's `trap '' XFSZ`: the default action of SIGXFSZ would kill h2race (exit
// 153) in the middle of the write, leaving the temporary file (with --pcap, one holding the
// connections' TLS secrets). h2race ignores the signal, so the write fails with EFBIG instead.
TEST_F(CliInputs, AFileSizeLimitIsExit2NamingTheFlagNotADeathBySigxfsz) {
  // 1 KiB, not 0: ThreadSanitizer's runtime writes a file before main (an empty program built
  // with -fsanitize=thread dies of SIGXFSZ under `ulimit -f 0`), before h2race can ignore it.
  // --explain makes the JSON several KiB.
  const std::string limited = "ulimit -f 1; " + std::string(H2RACE_BIN);
  const ShellResult json =
      shell_stdout(limited + " run -n 5 --jobs 1 -q --explain --proto h1 --json " +
                   path("out.json") + " 2>&1 </dev/null");
  EXPECT_EQ(json.code, 2) << json.output;
  EXPECT_NE(
      json.output.find("--json: cannot write " + path("out.json") + ": write: File too large"),
      std::string::npos)
      << json.output;
  EXPECT_EQ(entries(), 0u);
  const ShellResult pcap = shell_stdout(limited + " run -n 2 --jobs 1 -q --pcap " +
                                        path("p.pcapng") + " 2>&1 </dev/null");
  if (pcap.code == 2 && pcap.output.find("File too large") == std::string::npos) {
    GTEST_SKIP() << "this process may not capture: " << pcap.output;
  }
  EXPECT_EQ(pcap.code, 2) << pcap.output;
  EXPECT_NE(pcap.output.find("--pcap: cannot write " + path("p.pcapng")), std::string::npos)
      << pcap.output;
  EXPECT_EQ(entries(), 0u);
}

TEST_F(CliInputs, AFullStdoutIsExit2) {
  if (geteuid() != 0) GTEST_SKIP() << "mknod of a character device needs root";
  const std::string full = full_device("full");
  const ShellResult r =
      shell_stdout(std::string(H2RACE_BIN) + " run -n 3 --proto h1 2>&1 >" + full + " </dev/null");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("cannot write to stdout: No space left on device"), std::string::npos)
      << r.output;
  // fmt::print's output (merge's summary line) is checked too, with the same reason.
  const std::string in = histogram("a.json");
  const ShellResult merged = shell_stdout(std::string(H2RACE_BIN) + " merge " + in + " -o " +
                                          path("m.json") + " 2>&1 >" + full + " </dev/null");
  EXPECT_EQ(merged.code, 2) << merged.output;
  EXPECT_NE(merged.output.find("cannot write to stdout: No space left on device"),
            std::string::npos)
      << merged.output;
  EXPECT_TRUE(is_char_device(full));
}

// A caller that closes stdout or stderr gets the documented exit codes: a message that cannot
// reach a closed stderr is dropped (fmt::print threw there, inside the error handlers: SIGABRT,
// exit 134), and stdout's failure is exit 2 as any other failed stdout write.
TEST_F(CliInputs, ClosedStdoutOrStderrGivesTheExitCodesNotAnAbort) {
  const std::string bin = H2RACE_BIN;
  EXPECT_EQ(shell_stdout(bin + " run -n 3 --proto h1 >&- 2>&- </dev/null").code, 2);
  EXPECT_EQ(shell_stdout(bin + " run -n 0 2>&- </dev/null").code,
            2);  // a usage error: unsaid, still 2
  const ShellResult no_stderr = shell_stdout(bin + " run -n 3 --proto h1 2>&- </dev/null");
  EXPECT_EQ(no_stderr.code, 0) << no_stderr.output;
  EXPECT_NE(no_stderr.output.find("tls_alert:certificate_required"), std::string::npos)
      << no_stderr.output;
  // A closed stdout keeps its number: the JSON and the sockets opened later do not take it, so
  // the table goes nowhere rather than into them.
  const ShellResult no_stdout = shell_stdout(bin + " run -n 3 --proto h1 --json " +
                                             path("out.json") + " 2>&1 >&- </dev/null");
  EXPECT_EQ(no_stdout.code, 2) << no_stdout.output;
  EXPECT_NE(no_stdout.output.find("cannot write to stdout: Bad file descriptor"), std::string::npos)
      << no_stdout.output;
  EXPECT_EQ(nlohmann::json::parse(slurp(path("out.json")))["iterations"], 3);
}

// Two output flags onto one target: the capture silently replaced the JSON, or both went to
// stdout mixed; now exit 2 before anything runs, however the paths are spelled.
TEST_F(CliInputs, TwoOutputsOntoOneTargetAreExit2BeforeAnythingRuns) {
  const std::string x = path("x");
  expect_usage_error("run -n 5 --json " + x + " --pcap " + x,
                     "--json " + x + " and --pcap " + x + " name the same file");
  EXPECT_FALSE(fs::exists(x));
  expect_usage_error("run -n 5 -q --json - --pcap -", "--json - and --pcap -");
  const std::string kept = write("kept.json", "kept\n");
  expect_usage_error("run -n 5 --json " + kept + " --pcap " + (dir_ / "." / "kept.json").string(),
                     "name the same file");
  ASSERT_EQ(link(kept.c_str(), path("hard.json").c_str()), 0);
  expect_usage_error("run -n 5 --json " + kept + " --pcap " + path("hard.json"),
                     "name the same file");
  EXPECT_EQ(slurp(kept), "kept\n");
  const std::string in = histogram("a.json");
  expect_usage_error("report " + in + " --md " + path("r") + " --svg " + path("r"),
                     "--md " + path("r") + " and --svg " + path("r") + " name the same file");
  EXPECT_FALSE(fs::exists(path("r")));
}

// `--json -` beside a table on stdout: a pipe into a JSON reader got the table first and no error.
TEST_F(CliInputs, JsonOnStdoutBesideTextIsExit2) {
  expect_usage_error("run -n 5 --json -",
                     "--json -: stdout holds the table; give a file, or add -q");
  expect_usage_error("probe https://127.0.0.1:1/ --json -", "--json -: stdout holds the table");
  expect_usage_error("calibrate -n 5 --json -", "--json -: stdout holds calibrate's report");
  const std::string in = histogram("a.json");
  expect_usage_error("compare " + in + " " + in + " --json -",
                     "--json -: stdout holds the comparison");
  expect_usage_error("serve --json -", "--json -: stdout holds the server's url");
}

TEST_F(CliInputs, AKeptFileKeepsItsMode) {
  const std::string out = histogram("a.json");
  ASSERT_EQ(chmod(out.c_str(), 0600), 0);
  histogram("a.json");
  struct stat st {};
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(CliInputs, ServeDoesNotWriteAKeyThroughAPlantedSymlink) {
  const std::string victim = write("victim", "victim");
  fs::create_symlink(victim, path("client-valid.key"));
  expect_usage_error("serve --pki-dir " + dir_.string(), "--pki-dir");
  EXPECT_EQ(slurp(victim), "victim");
  EXPECT_TRUE(fs::is_symlink(path("client-valid.key")));
}

// --- inputs ---

TEST_F(CliInputs, AFifoInputIsExit2WithoutHanging) {
  ASSERT_EQ(mkfifo(path("fifo").c_str(), 0600), 0);
  expect_usage_error("compare " + path("fifo") + " " + path("fifo"), "is a FIFO");
  expect_usage_error("merge " + path("fifo") + " -o " + path("m.json"), "is a FIFO");
  expect_usage_error("run -n 1 --schedule " + path("fifo"), "--schedule: " + path("fifo"));
  expect_usage_error("replay " + path("fifo"), "is a FIFO");
}

TEST_F(CliInputs, ADeviceOrADirectoryInputIsExit2NamingWhatItIs) {
  // Reading /dev/zero is harmless; it once grew memory until the process was killed.
  expect_usage_error("run -n 1 --schedule /dev/zero", "/dev/zero is a character device");
  expect_usage_error("compare /dev/zero /dev/zero", "/dev/zero is a character device");
  expect_usage_error("compare " + dir_.string() + "/ x", "is a directory");
  expect_usage_error("probe https://127.0.0.1:1/ --ca " + dir_.string(), "--ca: ");
}

TEST_F(CliInputs, AnInputPastTheSizeCapIsExit2) {
  { std::ofstream big(path("big.json")); }
  fs::resize_file(path("big.json"), (64u << 20) + 1);  // sparse: costs no disk
  expect_usage_error("compare " + path("big.json") + " " + path("big.json"), "larger than");
}

TEST_F(CliInputs, AHistogramWithABadCountIsExit2NamingFileAndField) {
  const std::string good = histogram("a.json");
  std::ifstream in(good);
  auto j = nlohmann::json::parse(in);
  j["pairs"][0]["count"] = 18446744073709551610u;
  const std::string bad = write("bad.json", j.dump());
  expect_usage_error("compare " + good + " " + bad, bad + ": field \"pairs[");
  expect_usage_error("merge " + good + " " + bad + " -o " + path("m.json"), bad);
  expect_usage_error("report " + bad + " --md " + path("r.md"), bad);
  j = nlohmann::json::parse(slurp(good));
  j["classes"][0]["count"] = "135";
  expect_usage_error("compare " + good + " " + write("s.json", j.dump()), "classes[");
}

TEST_F(CliInputs, MergedCountsPast2Pow53AreExit2) {
  auto j = nlohmann::json::parse(slurp(histogram("a.json")));
  const uint64_t half = (uint64_t{1} << 52) + 1;
  j["iterations"] = half;
  j["pairs"][0]["count"] = half;
  j["classes"][0]["count"] = half;
  j["truth"][j["pairs"][0]["truth"].get<std::string>()] = half;
  j["matched"] = half;
  j.erase("fidelity");
  const std::string big = write("big.json", j.dump());
  const std::string big2 = write("big2.json", j.dump());  // one file twice is refused first
  expect_usage_error("merge " + big + " " + big2 + " -o " + path("m.json"), "exceed 2^53");
}

// Counts are valid up to 2^53; compare's exact test (Boost's hypergeometric distribution) refused
// them from 2^32 - 1 on: exit 3. Two classes, so the test has something to weigh.
TEST_F(CliInputs, CompareOfCountsPast2Pow32IsAVerdict) {
  const h2race::RunRecord small =
      h2race::run_record_from_json(nlohmann::json::parse(slurp(histogram("a.json"))));
  const auto with_counts = [&](const std::string& name, uint64_t matched, uint64_t other) {
    h2race::RunRecord r = small;
    r.histogram = h2race::Histogram();
    const std::string truth = small.histogram.truth().begin()->first;
    r.histogram.add_pair(truth, truth, matched, "");
    r.histogram.add_pair(truth, "write:EPIPE", other, "write: Broken pipe");
    return write(name, h2race::to_json(r).dump(2));
  };
  const std::string base = with_counts("base.json", 90, 10);
  const uint64_t big = uint64_t{1} << 40;
  const ShellResult same = h2race("compare " + base + " " + with_counts("same.json", 9 * big, big));
  EXPECT_EQ(same.code, 0) << same.output;
  EXPECT_NE(same.output.find("SAME"), std::string::npos) << same.output;
  const ShellResult differs = h2race("compare " + base + " " + with_counts("rare.json", big, 3));
  EXPECT_EQ(differs.code, 1) << differs.output;
  EXPECT_NE(differs.output.find("DIFFERS"), std::string::npos) << differs.output;
}

// What a histogram file says once and means: a key twice, a mistyped elapsed_s, and merged times
// that JSON cannot hold are exit 2 naming the file and the field (each was accepted).
TEST_F(CliInputs, AHistogramThatSaysTwoThingsOrAWrongTimeIsExit2) {
  const std::string in = histogram("a.json");
  std::string text = slurp(in);
  const size_t open = text.find('{');
  const std::string twice =
      write("twice.json", text.substr(0, open + 1) + "\"iterations\": 7," + text.substr(open + 1));
  expect_usage_error("compare " + in + " " + twice,
                     twice + ": key \"iterations\" appears twice in one object");
  auto j = nlohmann::json::parse(text);
  j["elapsed_s"] = "fast";
  const std::string fast = write("fast.json", j.dump());
  expect_usage_error("merge " + in + " " + fast + " -o " + path("m.json"),
                     fast + ": field \"elapsed_s\" is \"fast\", not a number of seconds");
  j["elapsed_s"] = 1e308;
  const std::string slow = write("slow.json", j.dump());
  const std::string slow2 = write("slow2.json", j.dump());
  expect_usage_error("merge " + slow + " " + slow2 + " -o " + path("m.json"),
                     slow2 + ": the merged elapsed_s would not be a finite number");
  EXPECT_FALSE(fs::exists(path("m.json")));
}

TEST_F(CliInputs, AMissingPkiDirIsSaidToNotExist) {
  expect_usage_error("serve --pki-dir " + path("missing/dir"),
                     "--pki-dir " + path("missing/dir") + ": does not exist");
  expect_usage_error("serve --pki-dir " + write("file", "x"), ": not a directory");
}

// --- values ---

TEST(CliValues, IntegersAreDecimal) {
  expect_usage_error("run -n 010", "--iterations: '010' is not a decimal integer");
  expect_usage_error("run -n 0x10", "--iterations: '0x10' is not a decimal integer");
  expect_usage_error("replay x --times 0x10", "--times");
  expect_usage_error("serve --port 70000", "--port: Value 70000 not in range 0 to 65535");
}

TEST(CliValues, EmptyValuesAreExit2) {
  expect_usage_error("run --json ''", "--json: the value is empty");
  expect_usage_error("run --schedule ''", "--schedule: the value is empty");
  expect_usage_error("probe https://127.0.0.1:1/ --ca ''", "--ca: the value is empty");
  expect_usage_error("merge a.json -o ''", "--out: the value is empty");
}

TEST(CliValues, AlphaMustBeAFiniteNumberInRange) {
  expect_usage_error("compare --alpha nan a b", "--alpha: 'nan' is not a number");
  expect_usage_error("compare --alpha inf a b", "--alpha");
  expect_usage_error("calibrate --alpha nan", "--alpha");
}

TEST(CliValues, ExpectMustBeAClassSpelling) {
  expect_usage_error("probe https://127.0.0.1:1/ --expect bogus", "--expect: 'bogus'");
  expect_usage_error("probe https://127.0.0.1:1/ --expect tls_alert:certificate_requird",
                     "--expect");
}

TEST(CliValues, FlagsThatDoNotApplyAreExit2) {
  expect_usage_error("run --client go --alert-grace-ms 50", "--alert-grace-ms applies only");
  // Every one of the go models' timing flags, not only some (until 2026-12-06 four were ignored).
  for (const char* f : {"preface", "handoff", "headers", "read-loop", "spin", "off-cpu"}) {
    const std::string flag = std::string("--go-") + f + "-us";
    expect_usage_error("run --client sequential " + flag + " 5", flag + " applies only");
  }
  expect_usage_error("run --client curl --go-spin-us 7", "--go-spin-us applies only");
  // A program that cannot be slowed would run unslowed under a slowed scenario's id.
  expect_usage_error("run --client curl --slow-request-us 20", "--slow-request-us applies only");
  expect_usage_error("run --client sequential --slow-request-us 20",
                     "--slow-request-us applies only");
  expect_usage_error("run --linger-ms 50", "--linger-ms applies only");
  expect_usage_error("serve --linger-ms 50", "--linger-ms applies only");
}

// calibrate took run's flags without run's checks: its JSON then named settings nothing used.
TEST(CliValues, CalibrateRefusesFlagsThatDoNotApplyAsRunDoes) {
  expect_usage_error("calibrate -n 20 --model go --server haproxy --server-close linger",
                     "--server-close applies to h2race's own server");
  expect_usage_error("calibrate -n 10 --model go --server-knob http-reject",
                     "--server-knob applies only with --server NAME");
  expect_usage_error("calibrate --model sequential --against curl --go-headers-us 5",
                     "--go-headers-us applies only to the Go models");
  expect_usage_error("calibrate --model go --alert-grace-ms 5", "--alert-grace-ms applies only");
  // Both sides are slowed, or neither: a model that cannot be, a real program that cannot be.
  expect_usage_error("calibrate -n 20 --model sequential --against curl --slow-request-us 9",
                     "--slow-request-us applies only");
  expect_usage_error("calibrate -n 20 --model go --against curl --slow-request-us 9",
                     "not --client curl");
  expect_usage_error("calibrate --model go --linger-ms 5", "--linger-ms applies only");
  // --fit's grid sets every field: a --go-*-us beside it was silently replaced.
  expect_usage_error("calibrate -n 20 --model go1.19 --go-headers-us 5 --fit",
                     "--go-headers-us: not with --fit");
  // Only an in-process profile can be a model: the error lists those, not every client.
  expect_usage_error("calibrate --model bogus", "--model bogus: no such client; one of go|");
  expect_usage_error("calibrate --model curl",
                     "--model curl: not an in-process profile; one of go|");
}

TEST(CliValues, FailOnDivergenceSaysWhyEvenWhenQuiet) {
  // The seed case diverges (see cli_test's FailOnDivergenceIsOneWhenTheSeedCaseDiverges).
  const ShellResult r = h2race("run -n 2000 --fail-on-divergence -q");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("--fail-on-divergence: the iterations fell into"), std::string::npos)
      << r.output;
}

// --- schedules and signals ---

TEST_F(CliInputs, ARunWhoseScheduleDidNotHoldExits1) {
  const std::string f = write("never.sched", "server.after_alert wait:client.before_read/5ms\n");
  const ShellResult r = h2race("run -n 3 --tls 1.2 --schedule " + f);
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("did not hold"), std::string::npos) << r.output;
}

TEST_F(CliInputs, AScheduleSleepLastsAtMostTheTimeout) {
  // Without the bound this sleeps 60 s; with it, the run ends after 200 ms and says why.
  const std::string f = write("sleep.sched", "server.accepted sleep:60000ms\n");
  const ShellResult r = h2race("run -n 1 --proto h1 --timeout-ms 200 --schedule " + f);
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("longer than the iteration's bound of 200 ms"), std::string::npos)
      << r.output;
}

// Signals `run -n 1` while its one iteration sleeps in a schedule: the signal must end the
// sleep (else this waits the full 60 s and the hang check fails) and the run must say partial.
void interrupt_a_schedule_sleep(const fs::path& dir, int sig, int expected_code,
                                bool replay = false) {
  const std::string sched = (dir / "sleep.sched").string();
  std::ofstream(sched) << "# scenario: --proto h1 --timeout-ms 3600000\n"
                          "server.accepted sleep:60000ms\n";
  const std::string json = (dir / "out.json").string();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (replay) {
      execl(H2RACE_BIN, H2RACE_BIN, "replay", sched.c_str(), "--times", "1", "-q",
            static_cast<char*>(nullptr));
    } else {
      execl(H2RACE_BIN, H2RACE_BIN, "run", "-n", "1", "--proto", "h1", "-q", "--timeout-ms",
            "3600000", "--schedule", sched.c_str(), "--json", json.c_str(),
            static_cast<char*>(nullptr));
    }
    _exit(127);
  }
  // Not before the handler is there (the default action would kill it); then 700 ms, so that
  // the signal nearly surely lands in the sleep, which is what is tested (the schedule reaches it
  // within milliseconds). Landing earlier does not fail the test: a sleep looks at the interrupt
  // first, so the run ends as well.
  if (!h2race::wait_until_catching(pid, sig)) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    FAIL() << "no handler for signal " << sig << " within 60 s";
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  kill(pid, sig);
  // A hang check, not a measurement: an unbroken sleep takes 60 s.
  int status = 0;
  if (!h2race::eventually([&] { return waitpid(pid, &status, WNOHANG) != 0; },
                          std::chrono::seconds(30), std::chrono::milliseconds(100))) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    FAIL() << "the signal did not end the schedule's sleep within 30 s";
  }
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), expected_code);
  if (replay) return;
  std::ifstream in(json);
  ASSERT_TRUE(in.good()) << "no JSON written";
  EXPECT_TRUE(nlohmann::json::parse(in)["partial"].get<bool>());
}

TEST_F(CliInputs, SigtermDuringAScheduleSleepIsPartialAndExits143) {
  interrupt_a_schedule_sleep(dir_, SIGTERM, 143);
}
TEST_F(CliInputs, SighupDuringAScheduleSleepIsPartialAndExits129) {
  interrupt_a_schedule_sleep(dir_, SIGHUP, 129);
}
TEST_F(CliInputs, SigtermDuringAReplaysSleepExits143) {
  interrupt_a_schedule_sleep(dir_, SIGTERM, 143, /*replay=*/true);
}

TEST_F(CliInputs, SighupEndsServeLikeSigtermRemovingItsReadyFile) {
  ServeProcess serve(dir_);
  ASSERT_FALSE(serve.url().empty());
  const fs::path pki_dir = fs::path(serve.ca()).parent_path();
  const int status = serve.stop(SIGHUP);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(fs::exists(path("ready")));
  EXPECT_FALSE(fs::exists(pki_dir)) << pki_dir;
}

// Connects and says nothing, as a port scanner or a stuck client does.
h2race::UniqueFd idle_connection(uint16_t port) {
  h2race::UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  return fd;
}

// A client that trickles its ClientHello one byte every 50 ms. Bounding each read (the earlier
// rule) never closes it: every byte comes within the bound. The whole handshake's deadline
// (300 ms here) closes it after about 6 bytes; the test allows 60 (3 s), ten times that.
TEST_F(CliInputs, ServeClosesAClientThatTricklesItsHandshakeAtTheDeadline) {
  ServeProcess serve(dir_, {"--threads", "1", "--handshake-timeout-ms", "300"});
  ASSERT_FALSE(serve.url().empty());
  const uint16_t port = serve.port();
  h2race::UniqueFd fd = idle_connection(port);
  // A handshake record header announcing 512 bytes, then the body one byte at a time.
  const uint8_t header[] = {0x16, 0x03, 0x01, 0x02, 0x00};
  ASSERT_EQ(send(fd.get(), header, sizeof(header), MSG_NOSIGNAL), 5);
  int sent = 0;
  bool closed = false;
  for (; sent < 60 && !closed; ++sent) {
    pollfd p{fd.get(), POLLIN | POLLRDHUP, 0};
    if (poll(&p, 1, 50) > 0) {
      uint8_t buf[256];
      const ssize_t n = recv(fd.get(), buf, sizeof(buf), 0);
      closed = n <= 0 || (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
      if (closed) break;
    }
    const uint8_t one = 0x01;
    closed = send(fd.get(), &one, 1, MSG_NOSIGNAL) != 1;
  }
  serve.stop();
  EXPECT_TRUE(closed) << "still open after " << sent << " bytes (3 s)";
}

TEST_F(CliInputs, IdleConnectionsDoNotStallServeForARealClient) {
  ServeProcess serve(dir_, {"--threads", "4"});
  ASSERT_FALSE(serve.url().empty());
  const std::string& url = serve.url();
  const std::string& ca = serve.ca();
  const uint16_t port = serve.port();
  // 16 idle connections per server thread. Before, each held a thread in a blocking read for
  // the 5 s I/O timeout, so the probe below waited > 2 s and its class was `timeout`.
  std::vector<h2race::UniqueFd> idle;
  for (int i = 0; i < 64; ++i) idle.push_back(idle_connection(port));
  const ShellResult r =
      shell_stdout(std::string(H2RACE_BIN) + " probe " + url + " -n 1 --jobs 1 --ca " + ca +
                   " --proto h1 --timeout-ms 2000 -q --json - 2>&1");
  serve.stop();
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(nlohmann::json::parse(r.output)["classes"][0]["class"],
            "tls_alert:certificate_required");
}

// A first probe of a test server: no --ca (the server's CA is not in the system bundle) and no
// --expect. The output says there is no truth (not "fidelity 0.0000") and hints at --ca; the
// scenario line names the probed server.
TEST_F(CliInputs, ProbeWithoutCaOrExpectSaysSoAndHintsAtCa) {
  ServeProcess serve(dir_);
  ASSERT_FALSE(serve.url().empty());
  const std::string& url = serve.url();
  const ShellResult r =
      shell_stdout(std::string(H2RACE_BIN) + " probe " + url + " -n 3 --jobs 1 2>&1");
  serve.stop();
  EXPECT_EQ(r.code, 0) << r.output;
  const std::string authority = url.substr(8, url.size() - 9);  // https://A/ -> A
  const std::string id = "probe-" + authority.substr(0, authority.find(':')) + "_" +
                         authority.substr(authority.find(':') + 1) + "-h2-tls13-none-go";
  EXPECT_NE(r.output.find("scenario " + id), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("fidelity: none, no truth"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("fidelity 0"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("hint: 3 of 3 connections could not verify"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("give --ca FILE"), std::string::npos) << r.output;
}

// Clients that send the first 3 bytes of a TLS record and stall used to hold every server thread
// for a handshake bound each (300 of them: nothing for a real client in 20 s). A connection's
// first record must now be all there before a thread takes it.
TEST_F(CliInputs, ClientsStalledInTheirFirstRecordDoNotStallServe) {
  ServeProcess serve(dir_, {"--threads", "2"});
  ASSERT_FALSE(serve.url().empty());
  const std::string& url = serve.url();
  const std::string& ca = serve.ca();
  const uint16_t port = serve.port();
  std::vector<h2race::UniqueFd> stalled;
  const uint8_t part[] = {0x16, 0x03, 0x01};
  for (int i = 0; i < 100; ++i) {
    stalled.push_back(idle_connection(port));
    ASSERT_EQ(send(stalled.back().get(), part, sizeof(part), MSG_NOSIGNAL), 3);
  }
  // Before, 100 stalls x 1 s over 2 threads: the probe's 3 s bound ran out (`timeout`).
  const ShellResult r =
      shell_stdout(std::string(H2RACE_BIN) + " probe " + url + " -n 3 --jobs 1 --ca " + ca +
                   " --proto h1 --timeout-ms 3000 -q --json - 2>&1");
  serve.stop();
  ASSERT_EQ(r.code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["classes"].size(), 1u) << r.output;
  EXPECT_EQ(j["classes"][0]["class"], "tls_alert:certificate_required") << r.output;
}

// Clients that finish a valid handshake and then idle used to hold every server thread until
// their I/O bound (5 s): a real client waited that long. serve now starts another handler while
// every one is busy.
TEST_F(CliInputs, ClientsIdlingAfterAValidHandshakeDoNotStallServe) {
  const std::string pki = path("pki");
  fs::create_directories(pki);
  ServeProcess serve(dir_, {"--threads", "2", "--pki-dir", pki});
  ASSERT_FALSE(serve.url().empty());
  const std::string& url = serve.url();
  const std::string port = url.substr(url.rfind(':') + 1, url.size() - url.rfind(':') - 2);
  // Four connections with the valid client certificate, idle after their handshake, held open
  // while the probe runs (its bound, 3 s, is below the 5 s they used to hold the threads).
  const std::string script = path("idle.py");
  std::ofstream(script)
      << "import socket, ssl, subprocess, sys\n"
         "d, port, probe = sys.argv[1], int(sys.argv[2]), sys.argv[3:]\n"
         "ctx = ssl.create_default_context(cafile=d + '/ca.crt')\n"
         "ctx.load_cert_chain(d + '/client-valid.crt', d + '/client-valid.key')\n"
         "idle = [ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)),\n"
         "        server_hostname='127.0.0.1') for _ in range(4)]\n"
         "sys.exit(subprocess.run(probe).returncode)\n";
  const ShellResult r = shell_stdout("python3 " + script + " " + pki + " " + port + " " +
                                     H2RACE_BIN + " probe " + url + " -n 2 --jobs 1 --ca " + pki +
                                     "/ca.crt --proto h1 --timeout-ms 3000 -q --json - 2>&1");
  serve.stop();
  ASSERT_EQ(r.code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["classes"].size(), 1u) << r.output;
  EXPECT_EQ(j["classes"][0]["class"], "tls_alert:certificate_required") << r.output;
}

}  // namespace
