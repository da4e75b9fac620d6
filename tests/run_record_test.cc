// Histogram files are checked on load: every count an integer 0..2^53, sums that cannot
// overflow, and classes, pairs, truth, iterations, matched, fidelity and divergent that agree.
// Each case names the field in its error; the committed files still load.
#include "core/run_record.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/outcome.h"

namespace h2race {
namespace {

// 9 alerts and 1 write:ECONNRESET, truth the alert each time.
nlohmann::json sample() {
  RunRecord run;
  for (int i = 0; i < 9; ++i)
    run.histogram.add(alert_outcome(116), "tls_alert:certificate_required");
  run.histogram.add(errno_outcome("write", ECONNRESET), "tls_alert:certificate_required");
  return to_json(run);
}

// The error of loading j, or "" when it loaded.
std::string load_error(const nlohmann::json& j) {
  try {
    run_record_from_json(j);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

void expect_rejected(const nlohmann::json& j, const std::string& names) {
  const std::string error = load_error(j);
  EXPECT_NE(error, "") << j.dump();
  EXPECT_NE(error.find(names), std::string::npos) << error;
}

TEST(RunRecordValidation, TheSampleLoads) { EXPECT_EQ(load_error(sample()), ""); }

TEST(RunRecordValidation, ACountMustBeAnIntegerFrom0To2Pow53) {
  for (const nlohmann::json& bad :
       {nlohmann::json(-5), nlohmann::json(1e30), nlohmann::json("135"), nlohmann::json(1.5),
        nlohmann::json(kMaxCount + 1), nlohmann::json(UINT64_MAX - 4)}) {
    auto j = sample();
    j["classes"][0]["count"] = bad;
    expect_rejected(j, "classes[tls_alert:certificate_required].count");
    j = sample();
    j["pairs"][0]["count"] = bad;
    expect_rejected(j, "pairs[");
    j = sample();
    j["iterations"] = bad;
    expect_rejected(j, "\"iterations\"");
  }
}

TEST(RunRecordValidation, CountsThatWouldWrapAreRejected) {
  // Before: two counts near 2^63 summed past 2^64 and wrapped to a plausible total.
  auto j = sample();
  j["pairs"][0]["count"] = kMaxCount;
  j["pairs"][1]["count"] = kMaxCount;
  expect_rejected(j, "sum past 2^53");
}

TEST(RunRecordValidation, DuplicateClassesAndPairsAreRejected) {
  auto j = sample();
  j["classes"].push_back(j["classes"][0]);
  expect_rejected(j, "twice");
  j = sample();
  j["pairs"].push_back(j["pairs"][0]);
  expect_rejected(j, "twice");
}

TEST(RunRecordValidation, ClassesTruthMatchedFidelityAndDivergentMustAgreeWithPairs) {
  auto j = sample();
  j["classes"].erase(1);
  expect_rejected(j, "not listed");
  j = sample();
  j["truth"]["tls_alert:certificate_required"] = 11;
  expect_rejected(j, "\"truth\"");
  j = sample();
  j["truth"]["ok"] = 1;
  expect_rejected(j, "\"truth\"");
  j = sample();
  j["matched"] = 10;
  expect_rejected(j, "\"matched\"");
  j = sample();
  j["fidelity"] = 0.95;
  expect_rejected(j, "\"fidelity\"");
  j = sample();
  j["fidelity"] = "0.9";
  expect_rejected(j, "\"fidelity\"");
  j = sample();
  j["divergent"] = false;
  expect_rejected(j, "\"divergent\"");
}

TEST(RunRecordValidation, ElapsedAndPartialMustHaveTheirTypes) {
  // Both were ignored when mistyped: the file loaded with elapsed 0 and not partial.
  for (const nlohmann::json& bad : {nlohmann::json("fast"), nlohmann::json(-1), nlohmann::json()}) {
    auto j = sample();
    j["elapsed_s"] = bad;
    expect_rejected(j, "\"elapsed_s\"");
  }
  auto j = sample();
  j["partial"] = "yes";
  expect_rejected(j, "\"partial\"");
}

// The text parser, before any field is read: nlohmann keeps the last of two equal keys, so a
// file could say two iteration counts and be believed on one.
TEST(HistogramText, AKeyTwiceInOneObjectIsRejected) {
  const auto error_of = [](const std::string& text) -> std::string {
    try {
      parse_histogram_text(text);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error_of(R"({"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 1}, {"x": 2}]})"), "");
  EXPECT_NE(error_of(R"({"iterations": 10, "iterations": 20})").find("key \"iterations\""),
            std::string::npos);
  EXPECT_NE(error_of(R"({"scenario": {"client": "go", "client": "curl"}})").find("\"client\""),
            std::string::npos);
  EXPECT_NE(error_of("{\"a\": ").find("not valid JSON"), std::string::npos);
  const std::string text = sample().dump();
  EXPECT_EQ(run_record_from_json(parse_histogram_text(text)).histogram.iterations(), 10u);
}

TEST(RunRecordValidation, FilesWithoutTheNewerFieldsStillLoad) {
  auto j = sample();
  for (const char* field :
       {"truth", "matched", "fidelity", "divergent", "bound", "partial", "env"}) {
    j.erase(field);
  }
  const RunRecord run = run_record_from_json(j);
  EXPECT_EQ(run.histogram.matched(), 9u);
  EXPECT_TRUE(run.histogram.divergent());
}

TEST(RunRecordValidation, EveryCommittedHistogramLoads) {
  int loaded = 0;
  for (const char* dir : {"results/baselines", "results/matrix"}) {
    for (const auto& e :
         std::filesystem::directory_iterator(std::filesystem::path(H2RACE_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".json") continue;
      std::ifstream in(e.path());
      EXPECT_EQ(load_error(nlohmann::json::parse(in)), "") << e.path();
      ++loaded;
    }
  }
  EXPECT_GT(loaded, 40);
}

}  // namespace
}  // namespace h2race
