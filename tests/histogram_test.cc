#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

#include "analysis/report.h"
#include "core/environment.h"
#include "core/run_record.h"
#include "core/stats.h"

namespace h2race {
namespace {

Outcome of(const std::string& cls, const std::string& raw = "x") { return {cls, raw, "", 0, -1}; }

TEST(Wilson, MatchesPublishedValues) {
  // Reference values: Wilson score interval, z = 1.959964 (Newcombe 1998, table I examples).
  Interval a = wilson95(81, 263);
  EXPECT_NEAR(a.low, 0.2553, 5e-4);
  EXPECT_NEAR(a.high, 0.3662, 5e-4);
  Interval b = wilson95(15, 148);
  EXPECT_NEAR(b.low, 0.0624, 5e-4);
  EXPECT_NEAR(b.high, 0.1605, 5e-4);
  Interval c = wilson95(0, 20);
  EXPECT_DOUBLE_EQ(c.low, 0.0);
  EXPECT_NEAR(c.high, 0.1611, 5e-4);
  Interval d = wilson95(29, 29);
  EXPECT_NEAR(d.low, 0.8830, 5e-4);
  EXPECT_DOUBLE_EQ(d.high, 1.0);
}

TEST(RuleOfThree, IsThreeOverN) {
  EXPECT_DOUBLE_EQ(rule_of_three(10000), 0.0003);
  EXPECT_DOUBLE_EQ(rule_of_three(500), 0.006);
}

TEST(RuleOfThree, BoundsNothingForThreeOrFewerIterations) {
  EXPECT_DOUBLE_EQ(rule_of_three(1), 1.0);
  EXPECT_DOUBLE_EQ(rule_of_three(3), 1.0);
  EXPECT_DOUBLE_EQ(rule_of_three(4), 0.75);
  RunRecord run;
  run.histogram.add(alert_outcome(116), "tls_alert:certificate_required");
  const std::string table = text_table(run);
  EXPECT_EQ(table.find("300%"), std::string::npos) << table;
  EXPECT_NE(table.find("too few iterations to bound any other class"), std::string::npos) << table;
}

TEST(Report, MarkdownEscapesWhatWouldBreakTheTable) {
  RunRecord run;
  Outcome odd = other_outcome("read", "x");
  odd.cls = "weird|class\nwith`tick";
  run.histogram.add(odd, "tls_alert:certificate_required");
  const std::string md = markdown_report({run});
  // Header, separator and exactly one row: nothing split the row or added a cell.
  EXPECT_EQ(std::count(md.begin(), md.end(), '\n'), 3) << md;
  EXPECT_NE(md.find("`weird\\|class\\nwith'tick`"), std::string::npos) << md;
}

TEST(Histogram, CountsFidelityAndDivergence) {
  Histogram h;
  const std::string truth = "tls_alert:certificate_required";
  for (int i = 0; i < 97; ++i) h.add(of(truth), truth);
  for (int i = 0; i < 3; ++i) h.add(of("write:EPIPE", "write: broken pipe"), truth);
  EXPECT_EQ(h.iterations(), 100u);
  EXPECT_EQ(h.matched(), 97u);
  EXPECT_DOUBLE_EQ(h.fidelity(), 0.97);
  EXPECT_TRUE(h.divergent());
  ASSERT_EQ(h.classes().size(), 2u);
  EXPECT_EQ(h.classes()[0].cls, truth);
  EXPECT_EQ(h.classes()[1].example, "write: broken pipe");
  EXPECT_EQ(h.truth().at(truth), 100u);
}

TEST(Histogram, OneClassIsNotDivergent) {
  Histogram h;
  h.add(of("ok"), "ok");
  h.add(of("ok"), "ok");
  EXPECT_FALSE(h.divergent());
  EXPECT_DOUBLE_EQ(h.fidelity(), 1.0);
}

TEST(Histogram, KeepsTheFirstExampleOfEachClass) {
  Histogram h;
  h.add(of("read:EOF", "first"), "ok");
  h.add(of("read:EOF", "second"), "ok");
  EXPECT_EQ(h.classes()[0].example, "first");
}

TEST(Histogram, MergeSumsEverything) {
  Histogram a, b;
  a.add(of("ok"), "ok");
  b.add(of("ok"), "ok");
  b.add(of("timeout"), "ok");
  a.merge(b);
  EXPECT_EQ(a.iterations(), 3u);
  EXPECT_EQ(a.matched(), 2u);
  EXPECT_EQ(a.count("timeout"), 1u);
  EXPECT_EQ(a.truth().at("ok"), 3u);
}

TEST(Histogram, MergeOfTwoHalvesEqualsTheWholeRun) {
  // A real run's shape: the same outcomes fed once into one histogram and split across two.
  const std::string truth = "tls_alert:certificate_required";
  const std::vector<std::string> seq = {truth,
                                        "h2:no_connection",
                                        truth,
                                        "write:EPIPE",
                                        truth,
                                        "h2:no_connection",
                                        "write:ECONNRESET",
                                        truth};
  Histogram whole, first, second;
  for (size_t i = 0; i < 1000; ++i) {
    const Outcome o = of(seq[i % seq.size()], "ex");
    whole.add(o, truth);
    (i < 500 ? first : second).add(o, truth);
  }
  first.merge(second);
  RunRecord a, b;
  a.histogram = whole;
  b.histogram = first;
  EXPECT_EQ(to_json(a).dump(), to_json(b).dump());
}

RunRecord sample_run() {
  RunRecord run;
  run.scenario.jobs = 2;
  const std::string truth = "tls_alert:certificate_required";
  for (int i = 0; i < 9; ++i) run.histogram.add(of(truth, "remote error"), truth);
  run.histogram.add(of("write:ECONNRESET", "write: connection reset by peer"), truth);
  run.elapsed_s = 1.5;
  run.env = environment_json();
  return run;
}

TEST(HistogramJson, FollowsTheDesignSchema) {
  const auto j = to_json(sample_run());
  EXPECT_EQ(j["schema"], "h2race/histogram/1");
  EXPECT_EQ(j["scenario"]["proto"], "h2");
  EXPECT_EQ(j["scenario"]["tls"], "1.3");
  EXPECT_EQ(j["scenario"]["client_cert"], "none");
  EXPECT_EQ(j["scenario"]["client"], "go");
  EXPECT_EQ(j["scenario"]["server_close"], "immediate");
  EXPECT_EQ(j["scenario"]["key"], "ed25519");
  EXPECT_TRUE(j["scenario"]["schedule"].is_null());
  EXPECT_EQ(j["iterations"], 10);
  EXPECT_EQ(j["truth"]["tls_alert:certificate_required"], 10);
  EXPECT_EQ(j["classes"][0]["class"], "tls_alert:certificate_required");
  EXPECT_EQ(j["classes"][0]["count"], 9);
  EXPECT_DOUBLE_EQ(j["fidelity"].get<double>(), 0.9);
  EXPECT_TRUE(j["divergent"].get<bool>());
  EXPECT_EQ(j["bound"]["method"], "wilson95");
  EXPECT_LT(j["bound"]["fidelity_low"].get<double>(), 0.9);
  EXPECT_EQ(j["env"]["tls_library"], "BoringSSL");
  EXPECT_FALSE(j["partial"].get<bool>());
}

TEST(HistogramJson, RoundTripKeepsCountsExamplesAndScenario) {
  const RunRecord original = sample_run();
  const RunRecord back = run_record_from_json(nlohmann::json::parse(to_json(original).dump()));
  EXPECT_EQ(back.scenario.id(), original.scenario.id());
  EXPECT_EQ(back.histogram.iterations(), 10u);
  EXPECT_EQ(back.histogram.matched(), 9u);
  EXPECT_EQ(back.histogram.count("write:ECONNRESET"), 1u);
  EXPECT_EQ(back.histogram.classes()[1].example, "write: connection reset by peer");
  EXPECT_DOUBLE_EQ(back.elapsed_s, 1.5);
  EXPECT_EQ(to_json(back).dump(), to_json(original).dump());
}

TEST(HistogramJson, RejectsWrongSchemaNamingTheField) {
  auto j = to_json(sample_run());
  j["schema"] = "h2race/histogram/99";
  try {
    run_record_from_json(j);
    FAIL() << "accepted a wrong schema";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("schema"), std::string::npos) << e.what();
  }
}

TEST(HistogramJson, RejectsIterationsThatDisagreeWithPairs) {
  auto j = to_json(sample_run());
  j["iterations"] = 11;
  EXPECT_THROW(run_record_from_json(j), std::invalid_argument);
}

TEST(HistogramJson, RejectsMissingFields) {
  for (const char* field : {"scenario", "iterations", "classes", "pairs"}) {
    auto j = to_json(sample_run());
    j.erase(field);
    EXPECT_THROW(run_record_from_json(j), std::invalid_argument) << field;
  }
}

// A Go-like client's redials are counted per request and survive the JSON round trip and merge.
TEST(Histogram, RedialsRoundTripAndMerge) {
  Histogram h;
  Outcome o = alert_outcome(116);
  o.redials = 3;
  h.add(o, "tls_alert:certificate_required");
  h.add(alert_outcome(116), "tls_alert:certificate_required");
  RunRecord run;
  run.histogram = h;
  const RunRecord back = run_record_from_json(to_json(run));
  EXPECT_EQ(back.histogram.redials().iterations, 1u);
  EXPECT_EQ(back.histogram.redials().connections, 3u);
  Histogram merged = back.histogram;
  merged.merge(h);
  EXPECT_EQ(merged.redials().connections, 6u);
}

TEST(Histogram, TotalVariationIsHalfTheSumOfShareDifferences) {
  Histogram a, b;
  for (int i = 0; i < 3; ++i) a.add(alert_outcome(116), "x");
  a.add(errno_outcome("write", EPIPE), "x");
  for (int i = 0; i < 2; ++i) b.add(alert_outcome(116), "x");
  for (int i = 0; i < 2; ++i) b.add(errno_outcome("write", ECONNRESET), "x");
  // shares: alert .75 vs .5, EPIPE .25 vs 0, ECONNRESET 0 vs .5 -> (.25 + .25 + .5) / 2
  EXPECT_DOUBLE_EQ(total_variation(a, b), 0.5);
  EXPECT_DOUBLE_EQ(total_variation(a, a), 0.0);
}

}  // namespace
}  // namespace h2race

namespace h2race {
namespace {

TEST(RunRecordJson, ExamplesRoundTripAndOlderFilesHaveNone) {
  RunRecord run;
  Outcome epipe;
  epipe.cls = "write:EPIPE";
  run.histogram.add(epipe, "tls_alert:certificate_required");
  Example example;
  example.key = "127.0.0.2:40000 -> 127.0.0.1:8443";
  example.iteration = 7;
  example.events = {{0, Side::kServer, "close", "FIN: nothing unread"},
                    {12, Side::kClient, "write", "36 bytes: write:EPIPE"}};
  run.examples["write:EPIPE"] = example;
  nlohmann::json j = to_json(run);
  const RunRecord back = run_record_from_json(nlohmann::json::parse(j.dump()));
  ASSERT_EQ(back.examples.count("write:EPIPE"), 1u);
  const Example& ex = back.examples.at("write:EPIPE");
  EXPECT_EQ(ex.iteration, 7u);
  EXPECT_EQ(ex.key, "127.0.0.2:40000 -> 127.0.0.1:8443");
  ASSERT_EQ(ex.events.size(), 2u);
  EXPECT_EQ(ex.events[1].t_us, 12);
  EXPECT_EQ(ex.events[1].side, Side::kClient);
  EXPECT_EQ(ex.events[1].detail, "36 bytes: write:EPIPE");
  j.erase("examples");
  EXPECT_TRUE(run_record_from_json(j).examples.empty());
  j["examples"] = {
      {"write:EPIPE", {{"events", {{{"t_us", 0}, {"side", "middle"}, {"event", "x"}}}}}}};
  try {
    run_record_from_json(j);
    ADD_FAILURE() << "a bad side was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("examples.write:EPIPE"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace h2race
