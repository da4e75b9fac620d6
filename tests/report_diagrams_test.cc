// `report --md`: one sequence diagram per example (`--explain`) in "<md stem>-diagrams/", linked
// from the Markdown; none for a report on stdout. The examples are built here, so what each
// diagram must show is known exactly.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "analysis/report.h"
#include "analysis/sequence_diagram.h"
#include "core/outcome.h"
#include "core/run_record.h"
#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTruth = "tls_alert:certificate_required";
// A client note as long as the Go model's, with characters that must be escaped.
constexpr const char* kLongNote =
    "tls_alert:certificate_required before the request took the connection <&> \"quoted\"";

TimelineEvent ev(int64_t t, Side side, std::string event, std::string detail = "") {
  return {t, side, std::move(event), std::move(detail)};
}

// Two classes, each with an example whose events are drawn with a known label.
RunRecord record_with_examples() {
  RunRecord run;
  run.histogram.add(alert_outcome(116), kTruth);
  run.histogram.add(errno_outcome("write", EPIPE), kTruth);
  run.examples["write:EPIPE"] =
      Example{"127.0.0.2:40312 -> 127.0.0.1:8443",
              1,
              {ev(0, Side::kServer, "server.accepted"),
               ev(10, Side::kServer, "close", "FIN: nothing unread"),
               ev(20, Side::kClient, "client.before_headers"),
               ev(30, Side::kClient, "write", "36 bytes: write:EPIPE"),
               ev(31, Side::kClient, "abort", "write:EPIPE: the first abort, what the user sees"),
               ev(31, Side::kClient, "read", "5 bytes <&>")},
              {}};
  run.examples[kTruth] =
      Example{"127.0.0.3:40313 -> 127.0.0.1:8443",
              0,
              {ev(0, Side::kClient, "client.connected"), ev(5, Side::kServer, "server.after_alert"),
               ev(9, Side::kClient, "closed", kLongNote)},
              {}};
  return run;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

class ReportDiagrams : public ::testing::Test {
 protected:
  void SetUp() override {
    // Its own directory per test: ctest runs this file's tests in parallel.
    std::string pattern = (fs::temp_directory_path() / "h2race-report-diagrams-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    input_ = (dir_ / "in.json").string();
    std::ofstream(input_) << to_json(record_with_examples()).dump(2);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string input_;
};

TEST_F(ReportDiagrams, OneSvgPerClassLinkedFromTheMarkdown) {
  const fs::path md = dir_ / "r.md";
  const ShellResult r = h2race("report " + input_ + " --md " + md.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const fs::path diagrams = dir_ / "r-diagrams";
  ASSERT_TRUE(fs::is_directory(diagrams));
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(diagrams)) ++files;
  EXPECT_EQ(files, 2u);

  const std::string id = record_with_examples().scenario.id();
  const std::string markdown = read_file(md);
  // Each class: its file (the class's ':' made file-safe), its labels, and the link to it.
  const struct {
    std::string cls, file;
    std::vector<std::string> labels;
  } expected[] = {
      {"write:EPIPE",
       id + "-write_EPIPE.svg",
       {"server.accepted", "FIN: nothing unread", "client.before_headers", "HEADERS: write:EPIPE",
        "reported: write:EPIPE", "read 5 bytes &lt;&amp;&gt;"}},
      {kTruth,
       id + "-tls_alert_certificate_required.svg",
       {"client.connected", "TLS alert (fatal)",
        // Wrapped onto lines; the whole note is the text's <title>.
        "<title>closed tls_alert:certificate_required before the request took the connection "
        "&lt;&amp;&gt; &quot;quoted&quot;</title>"}},
  };
  for (const auto& e : expected) {
    SCOPED_TRACE(e.cls);
    const std::string svg = read_file(diagrams / e.file);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u) << svg.substr(0, 80);
    EXPECT_TRUE(contains(svg, "</svg>"));
    EXPECT_TRUE(contains(svg, e.cls)) << svg;
    for (const auto& label : e.labels) EXPECT_TRUE(contains(svg, label)) << label << "\n" << svg;
    EXPECT_FALSE(contains(svg, "<&>")) << "unescaped text:\n" << svg;
    EXPECT_TRUE(contains(markdown, "(r-diagrams/" + e.file + ")")) << markdown;
  }
}

TEST_F(ReportDiagrams, AReportOnStdoutWritesNoDiagrams) {
  // Run in dir_, where a diagrams directory for "-" would appear ("--diagrams").
  const ShellResult r = shell_stdout("cd " + dir_.string() + " && " + H2RACE_BIN + " report " +
                                     input_ + " --md - 2>&1");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_FALSE(contains(r.output, "## Examples")) << r.output;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_FALSE(entry.is_directory()) << entry.path();
  }
}

TEST_F(ReportDiagrams, TwoInputsOfOneScenarioKeepTheirOwnDiagrams) {
  // A run and a probe of the same scenario have the same id: the second's diagrams must not
  // replace the first's.
  const std::string second = (dir_ / "again.json").string();
  fs::copy_file(input_, second);
  const fs::path md = dir_ / "r.md";
  const ShellResult r = h2race("report " + input_ + " " + second + " --md " + md.string());
  ASSERT_EQ(r.code, 0) << r.output;
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_ / "r-diagrams")) ++files;
  EXPECT_EQ(files, 4u);
  const std::string id = record_with_examples().scenario.id();
  const std::string markdown = read_file(md);
  EXPECT_TRUE(contains(markdown, "(r-diagrams/" + id + "-write_EPIPE.svg)")) << markdown;
  EXPECT_TRUE(contains(markdown, "(r-diagrams/" + id + "-write_EPIPE-2.svg)")) << markdown;
}

// The diagrams go into a directory the report names itself ("<md>-diagrams"): one that is a
// symlink (they were written into its target) or not a directory is refused, naming it, and
// nothing is written anywhere.
TEST_F(ReportDiagrams, ADiagramsDirectoryThatIsALinkOrAFileIsExit2NamingIt) {
  const fs::path elsewhere = dir_ / "elsewhere";
  fs::create_directory(elsewhere);
  fs::create_directory_symlink(elsewhere, dir_ / "sym-diagrams");
  const ShellResult link = h2race("report " + input_ + " --md " + (dir_ / "sym.md").string());
  EXPECT_EQ(link.code, 2) << link.output;
  EXPECT_TRUE(contains(link.output, "--md: " + (dir_ / "sym-diagrams").string() + " is a symlink"))
      << link.output;
  EXPECT_TRUE(fs::is_empty(elsewhere));
  EXPECT_FALSE(fs::exists(dir_ / "sym.md"));

  std::ofstream(dir_ / "file-diagrams") << "not a directory";
  const ShellResult file = h2race("report " + input_ + " --md " + (dir_ / "file.md").string());
  EXPECT_EQ(file.code, 2) << file.output;
  EXPECT_TRUE(contains(file.output, (dir_ / "file-diagrams").string() + " is a regular file"))
      << file.output;
  EXPECT_FALSE(fs::exists(dir_ / "file.md"));
}

TEST(SequenceDiagram, ALongNoteWrapsWithinTheClientLane) {
  Example ex;
  ex.events = {ev(0, Side::kClient, "closed", kLongNote)};
  const std::string svg = sequence_svg("t", ex);
  // The client's lane is 232 px wide (time column to lifeline): 35 characters at 6.5 px.
  const std::regex tspan(R"re(<tspan x="(\d+)" dy="\d+">([^<]*)</tspan>)re");
  int lines = 0;
  std::string joined;
  for (std::sregex_iterator it(svg.begin(), svg.end(), tspan), end; it != end; ++it, ++lines) {
    const std::string text = std::regex_replace((*it)[2].str(), std::regex("&[a-z]+;"), "_");
    EXPECT_LE(text.size(), 35u) << text;
    EXPECT_EQ((*it)[1].str(), "322");  // right-aligned 8 px left of the client's lifeline
    joined += (joined.empty() ? "" : " ") + (*it)[2].str();
  }
  EXPECT_GE(lines, 3) << svg;
  EXPECT_EQ(joined, xml_escape(std::string("closed ") + kLongNote));
}

}  // namespace
}  // namespace h2race
