#include "core/run_record.h"

#include <fmt/format.h>

#include <map>
#include <stdexcept>

#include "core/stats.h"

namespace h2race {

void absorb(RunRecord& total, const RunRecord& part) {
  total.histogram.merge(part.histogram);
  total.elapsed_s += part.elapsed_s;
  total.partial = total.partial || part.partial;
  total.schedule_failures += part.schedule_failures;
  if (total.env.empty()) total.env = part.env;
  for (const auto& [cls, ex] : part.examples) total.examples.emplace(cls, ex);
}

nlohmann::json to_json(const RunRecord& run) {
  const Histogram& h = run.histogram;
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& c : h.classes()) {
    classes.push_back({{"class", c.cls}, {"count", c.count}, {"example", c.example}});
  }
  nlohmann::json pairs = nlohmann::json::array();
  for (const auto& [p, c] : h.pairs()) {
    pairs.push_back({{"truth", p.first}, {"class", p.second}, {"count", c}});
  }
  const Interval b = wilson95(h.matched(), h.iterations());
  nlohmann::json bound{{"method", "wilson95"}, {"fidelity_low", b.low}, {"fidelity_high", b.high}};
  if (!h.divergent()) bound["other_rate_max_rule_of_three"] = rule_of_three(h.iterations());
  nlohmann::json j = {{"schema", kHistogramSchema},
                      {"scenario", run.scenario.to_json()},
                      {"iterations", h.iterations()},
                      {"elapsed_s", run.elapsed_s},
                      {"partial", run.partial},
                      {"truth", h.truth()},
                      {"classes", classes},
                      {"pairs", pairs},
                      {"matched", h.matched()},
                      {"fidelity", h.fidelity()},
                      {"divergent", h.divergent()},
                      {"bound", bound},
                      {"env", run.env}};
  if (h.grace().iterations > 0) {
    j["alert_grace"] = {{"iterations", h.grace().iterations},
                        {"total_us", h.grace().total_us},
                        {"max_us", h.grace().max_us}};
  }
  if (h.redials().iterations > 0) {
    j["redials"] = {{"iterations", h.redials().iterations},
                    {"connections", h.redials().connections}};
  }
  if (run.target) j["target"] = {{"url", run.target->url}, {"expect", run.target->expect}};
  if (!run.examples.empty()) j["examples"] = to_json(run.examples);
  if (run.scenario.schedule) {
    j["schedule_failures"] = {{"count", run.schedule_failures},
                              {"first", run.first_schedule_failure}};
  }
  return j;
}

namespace {
const nlohmann::json& require(const nlohmann::json& j, const char* key,
                              nlohmann::json::value_t type, const char* type_name) {
  if (!j.contains(key)) throw std::invalid_argument(fmt::format("missing field \"{}\"", key));
  const auto& v = j[key];
  const bool ok = v.type() == type || (type == nlohmann::json::value_t::number_unsigned &&
                                       v.is_number_integer() && v.get<int64_t>() >= 0);
  if (!ok) throw std::invalid_argument(fmt::format("field \"{}\" is not {}", key, type_name));
  return v;
}
// An object of non-negative integers, each read into its field.
void read_counters(const nlohmann::json& j, const char* object,
                   std::initializer_list<std::pair<const char*, uint64_t*>> fields) {
  for (const auto& [key, field] : fields) {
    const auto& o = j[object];
    if (!o.contains(key) || !o[key].is_number_unsigned()) {
      throw std::invalid_argument(
          fmt::format("field \"{}.{}\" is missing or not a non-negative integer", object, key));
    }
    *field = o[key].get<uint64_t>();
  }
}
}  // namespace

namespace {

// The fields a run may have beyond its histogram: how long, whether interrupted, the
// environment, prefer-alert's waits, redials, a probe's target, a schedule's failures.
void read_run_fields(const nlohmann::json& j, RunRecord& run) {
  if (j.contains("elapsed_s") && j["elapsed_s"].is_number()) {
    run.elapsed_s = j["elapsed_s"].get<double>();
  }
  if (j.contains("partial") && j["partial"].is_boolean()) run.partial = j["partial"].get<bool>();
  if (j.contains("env") && j["env"].is_object()) run.env = j["env"];
  if (j.contains("alert_grace") && j["alert_grace"].is_object()) {
    Histogram::Grace grace;
    read_counters(j, "alert_grace",
                  {{"iterations", &grace.iterations},
                   {"total_us", &grace.total_us},
                   {"max_us", &grace.max_us}});
    run.histogram.add_grace(grace);
  }
  if (j.contains("redials") && j["redials"].is_object()) {
    Histogram::Redials redials;
    read_counters(j, "redials",
                  {{"iterations", &redials.iterations}, {"connections", &redials.connections}});
    run.histogram.add_redials(redials);
  }
  if (j.contains("target") && j["target"].is_object()) {
    const auto& t = j["target"];
    if (!t.contains("url") || !t["url"].is_string() || !t.contains("expect") ||
        !t["expect"].is_string()) {
      throw std::invalid_argument("field \"target\" needs \"url\" and \"expect\" strings");
    }
    run.target = ProbeInfo{t["url"].get<std::string>(), t["expect"].get<std::string>()};
  }
  if (j.contains("examples")) run.examples = examples_from_json(j["examples"]);
  if (j.contains("schedule_failures") && j["schedule_failures"].is_object()) {
    const auto& f = j["schedule_failures"];
    if (f.contains("count") && f["count"].is_number_unsigned()) {
      run.schedule_failures = f["count"].get<uint64_t>();
    }
    if (f.contains("first") && f["first"].is_string()) {
      run.first_schedule_failure = f["first"].get<std::string>();
    }
  }
}

// classes (examples, counts) and pairs, which must agree with each other and with iterations.
void read_histogram(const nlohmann::json& j, uint64_t iterations, RunRecord& run) {
  using vt = nlohmann::json::value_t;
  std::map<std::string, std::string> examples;
  for (const auto& c : require(j, "classes", vt::array, "an array")) {
    if (!c.is_object() || !c.contains("class") || !c["class"].is_string()) {
      throw std::invalid_argument("field \"classes\": entry without a \"class\" string");
    }
    examples[c["class"].get<std::string>()] =
        c.contains("example") && c["example"].is_string() ? c["example"].get<std::string>() : "";
  }
  for (const auto& p : require(j, "pairs", vt::array, "an array")) {
    if (!p.is_object() || !p.contains("truth") || !p["truth"].is_string() || !p.contains("class") ||
        !p["class"].is_string() || !p.contains("count") || !p["count"].is_number_unsigned()) {
      throw std::invalid_argument(
          "field \"pairs\": each entry needs \"truth\", \"class\" (strings) and \"count\" (>= 0)");
    }
    const auto cls = p["class"].get<std::string>();
    run.histogram.add_pair(p["truth"].get<std::string>(), cls, p["count"].get<uint64_t>(),
                           examples[cls]);
  }
  if (run.histogram.iterations() != iterations) {
    throw std::invalid_argument(fmt::format("field \"iterations\" is {} but \"pairs\" sum to {}",
                                            iterations, run.histogram.iterations()));
  }
  for (const auto& c : j["classes"]) {
    if (c.contains("count") && c["count"].is_number_unsigned() &&
        c["count"].get<uint64_t>() != run.histogram.count(c["class"].get<std::string>())) {
      throw std::invalid_argument(
          fmt::format("field \"classes\": count of \"{}\" disagrees with \"pairs\"",
                      c["class"].get<std::string>()));
    }
  }
}

}  // namespace

RunRecord run_record_from_json(const nlohmann::json& j) {
  using vt = nlohmann::json::value_t;
  if (!j.is_object()) throw std::invalid_argument("top level is not a JSON object");
  const auto& schema = require(j, "schema", vt::string, "a string");
  if (schema.get<std::string>() != kHistogramSchema) {
    throw std::invalid_argument(fmt::format("field \"schema\" is \"{}\", expected \"{}\"",
                                            schema.get<std::string>(), kHistogramSchema));
  }
  RunRecord run;
  run.scenario = Scenario::from_json(require(j, "scenario", vt::object, "an object"));
  const uint64_t iterations =
      require(j, "iterations", vt::number_unsigned, "a non-negative integer").get<uint64_t>();
  read_run_fields(j, run);
  read_histogram(j, iterations, run);
  return run;
}

}  // namespace h2race
