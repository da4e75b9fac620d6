// --pcap: the write:EPIPE reproducer's capture, read back with Debian's tshark, shows the seed's
// packet sequence, decrypted with the key log the file carries: the server's TLS alert
// (certificate_required), the client's HTTP/2 preface after it, then the server's RST. Runs where
// the process may capture (CI runs as root) and tshark is installed; skips with the reason
// otherwise.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Result {
  int code = -1;
  std::string output;
};

Result shell(const std::string& cmd) {
  Result r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

const std::string kBin = H2RACE_BIN;
const std::string kEpipe = std::string(H2RACE_REPRODUCERS) + "/write:EPIPE.sched";

TEST(Pcap, EpipeCaptureShowsAlertThenPrefaceThenRstDecrypted) {
  if (shell("command -v tshark").code != 0) GTEST_SKIP() << "tshark is not installed";
  const fs::path file = fs::temp_directory_path() / "h2race-epipe.pcapng";
  fs::remove(file);
  const Result r =
      shell(kBin + " replay '" + kEpipe + "' --times 2 -q --explain --pcap " + file.string());
  if (r.code == 2 && r.output.find("--pcap") != std::string::npos) {
    GTEST_SKIP() << "this process may not capture: " << r.output;
  }
  ASSERT_EQ(r.code, 0) << r.output;
  // It holds TLS secrets: owner only.
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  // One line per frame: alert description, HTTP/2 magic, RST flag.
  const Result t = shell("tshark -r " + file.string() +
                         " -T fields -E separator=, -e tls.alert_message.desc -e http2.magic "
                         "-e tcp.flags.reset");
  ASSERT_EQ(t.code, 0) << t.output;
  int alert = -1, magic = -1, rst = -1, line_no = 0;
  std::istringstream lines(t.output);
  for (std::string line; std::getline(lines, line); ++line_no) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    f.resize(3);
    if (alert < 0 && f[0] == "116") alert = line_no;  // certificate_required
    if (magic < 0 && f[1].find("PRI * HTTP/2.0") != std::string::npos) magic = line_no;
    if (rst < 0 && f[2] == "1") rst = line_no;
  }
  EXPECT_GE(alert, 0) << "no decrypted alert:\n" << t.output;
  EXPECT_GT(magic, alert) << t.output;
  EXPECT_GT(rst, magic) << t.output;
  fs::remove(file);
}

// A user who asks for a capture gets one: --pcap alone explains the connections it captures
// (it was exit 2, "needs --explain").
TEST(Pcap, PcapAloneImpliesExplain) {
  const fs::path file = fs::temp_directory_path() / "h2race-implied.pcapng";
  fs::remove(file);
  const Result r = shell(kBin + " run -n 1 --jobs 1 --pcap " + file.string());
  if (r.code == 2 && r.output.find("permission") != std::string::npos) {
    GTEST_SKIP() << "this process may not capture: " << r.output;
  }
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find(": iteration 0, "), std::string::npos) << r.output;  // its timeline
  EXPECT_TRUE(fs::exists(file));
  EXPECT_GT(fs::file_size(file), 0u);
  fs::remove(file);
}

TEST(Pcap, BadUseIsExit2BeforeAnythingRuns) {
  Result r = shell(kBin + " run -n 1 --explain --pcap /nonexistent-dir/x.pcapng");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--pcap"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists("/nonexistent-dir/x.pcapng"));
  // Was exit 3 (an internal error) from the driver.
  r = shell(kBin + " run -n 1 --explain --fresh-server --pcap /tmp/h2race-fresh.pcapng");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--pcap: not with --fresh-server"), std::string::npos) << r.output;
  // stdout would hold the table (replay: the summary) and the capture at once.
  for (const std::string& cmd : {std::string(" run -n 1 --explain --pcap -"),
                                 " replay '" + kEpipe + "' --explain -q --pcap -"}) {
    r = shell(kBin + cmd);
    EXPECT_EQ(r.code, 2) << cmd << "\n" << r.output;
    EXPECT_NE(r.output.find("--pcap -: stdout holds the table"), std::string::npos) << r.output;
  }
}

// Capture rights are checked when --pcap is opened, before anything runs: as root, the test
// drops to nobody without capabilities (setpriv); as another user, it runs as is, unless that
// user may capture.
TEST(Pcap, WithoutCaptureRightsIsExit2NamingPcap) {
  const fs::path file = fs::temp_directory_path() / "h2race-nocap.pcapng";
  fs::remove(file);
  std::string prefix;
  if (geteuid() == 0) {
    if (shell("command -v setpriv").code != 0) GTEST_SKIP() << "setpriv is not installed";
    prefix =
        "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all ";
  }
  const Result r = shell(prefix + kBin + " run -n 1 --explain --pcap " + file.string());
  if (r.code == 0 && geteuid() != 0) GTEST_SKIP() << "this user may capture";
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--pcap " + file.string()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("permission"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(file));
}

}  // namespace
