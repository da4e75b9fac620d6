#include "core/run_record.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "core/classes.h"
#include "core/printable.h"
#include "core/stats.h"

namespace h2race {

std::string RunRecord::id() const {
  if (!target) return scenario.id();
  // "https://127.0.0.1:8443/x" -> "127.0.0.1_8443": the authority, file-name safe.
  std::string where = target->url.substr(target->url.find("://") + 3);
  where = where.substr(0, where.find('/'));
  for (char& c : where) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  }
  return fmt::format("probe-{}-{}-{}-{}-{}", where, name(scenario.proto),
                     scenario.tls == TlsVersion::k13 ? "tls13" : "tls12",
                     name(scenario.client_cert), scenario.client);
}

bool RunRecord::has_truth() const {
  for (const auto& [t, count] : histogram.truth()) {
    if (t != cls::kUnknownTruth && count > 0) return true;
  }
  return false;
}

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

nlohmann::json parse_histogram_text(std::string_view text) {
  using nlohmann::json;
  // The keys seen so far in each object being parsed, innermost last.
  std::vector<std::set<std::string>> open_objects;
  const json::parser_callback_t reject_duplicates = [&](int, json::parse_event_t event,
                                                        json& parsed) {
    if (event == json::parse_event_t::object_start) open_objects.emplace_back();
    if (event == json::parse_event_t::object_end) open_objects.pop_back();
    if (event == json::parse_event_t::key &&
        !open_objects.back().insert(parsed.get<std::string>()).second) {
      throw std::invalid_argument(
          fmt::format("key \"{}\" appears twice in one object", parsed.get<std::string>()));
    }
    return true;
  };
  json j = json::parse(text, reject_duplicates, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    throw std::invalid_argument("not valid JSON (truncated or not a histogram file)");
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
  if (j.contains("elapsed_s")) {
    const auto& e = j["elapsed_s"];
    if (!e.is_number() || !std::isfinite(e.get<double>()) || e.get<double>() < 0) {
      throw std::invalid_argument(
          fmt::format("field \"elapsed_s\" is {}, not a number of seconds", e.dump()));
    }
    run.elapsed_s = e.get<double>();
  }
  if (j.contains("partial")) {
    if (!j["partial"].is_boolean()) {
      throw std::invalid_argument(
          fmt::format("field \"partial\" is {}, not true or false", j["partial"].dump()));
    }
    run.partial = j["partial"].get<bool>();
  }
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
    if (run.target->url != printable(run.target->url) ||
        run.target->expect != printable(run.target->expect)) {
      throw std::invalid_argument("field \"target\": not printable text");
    }
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

// A count as a histogram file may hold it: a JSON integer 0..2^53 (2^53 is where doubles, and so
// many JSON readers, stop being exact). "135", 1.5, -5 and 1e30 are not counts.
uint64_t read_count(const nlohmann::json& v, const std::string& field) {
  // Parsed text holds a non-negative integer as unsigned; a json built in code may hold it signed.
  const bool integer = v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
  if (!integer || v.get<uint64_t>() > kMaxCount) {
    throw std::invalid_argument(
        fmt::format("field \"{}\" is not an integer count (0..2^53)", field));
  }
  return v.get<uint64_t>();
}

// Adds c to total, refusing a sum past kMaxCount: sums of valid counts can still overflow.
void add_checked(uint64_t& total, uint64_t c, const std::string& field) {
  if (c > kMaxCount - total) {
    throw std::invalid_argument(fmt::format("field \"{}\": counts sum past 2^53", field));
  }
  total += c;
}

// A class or truth name: a string of printable text (it is shown as is in the table, Markdown
// and SVG; an ESC or a byte that is not UTF-8 there is a hostile file, not a class).
const nlohmann::json& string_field(const nlohmann::json& o, const char* key, const char* array) {
  if (!o.is_object() || !o.contains(key) || !o[key].is_string()) {
    throw std::invalid_argument(
        fmt::format("field \"{}\": an entry has no \"{}\" string", array, key));
  }
  const auto& s = o[key].get_ref<const std::string&>();
  if (s != printable(s)) {
    throw std::invalid_argument(
        fmt::format("field \"{}\": a \"{}\" that is not printable text", array, key));
  }
  return o[key];
}

// classes, pairs, truth, matched, fidelity and divergent describe one histogram several times
// over: they must agree exactly (fidelity as written, i.e. to a double's precision), so a file
// edited by hand or broken in transit is rejected rather than half believed.
void read_histogram(const nlohmann::json& j, uint64_t iterations, RunRecord& run) {
  using vt = nlohmann::json::value_t;
  std::map<std::string, std::pair<uint64_t, std::string>> classes;  // count, example
  for (const auto& c : require(j, "classes", vt::array, "an array")) {
    const auto cls = string_field(c, "class", "classes").get<std::string>();
    if (!c.contains("count")) {
      throw std::invalid_argument(fmt::format("field \"classes\": \"{}\" has no count", cls));
    }
    const uint64_t count = read_count(c["count"], fmt::format("classes[{}].count", cls));
    const std::string example =
        c.contains("example") && c["example"].is_string() ? c["example"].get<std::string>() : "";
    if (!classes.emplace(cls, std::pair{count, example}).second) {
      throw std::invalid_argument(fmt::format("field \"classes\": \"{}\" twice", cls));
    }
  }
  std::map<std::pair<std::string, std::string>, uint64_t> pairs;
  std::map<std::string, uint64_t> per_class, per_truth;
  uint64_t total = 0;
  for (const auto& p : require(j, "pairs", vt::array, "an array")) {
    auto key = std::pair{string_field(p, "truth", "pairs").get<std::string>(),
                         string_field(p, "class", "pairs").get<std::string>()};
    const std::string name = fmt::format("pairs[{}, {}].count", key.first, key.second);
    if (!p.contains("count")) throw std::invalid_argument(fmt::format("missing \"{}\"", name));
    const uint64_t count = read_count(p["count"], name);
    add_checked(total, count, "pairs");
    per_class[key.second] += count;
    per_truth[key.first] += count;
    if (!pairs.emplace(std::move(key), count).second) {
      throw std::invalid_argument(fmt::format("field \"pairs\": {} twice", name));
    }
  }
  if (total != iterations) {
    throw std::invalid_argument(
        fmt::format("field \"iterations\" is {} but \"pairs\" sum to {}", iterations, total));
  }
  for (const auto& [cls, n] : per_class) {
    if (n > 0 && !classes.contains(cls)) {
      throw std::invalid_argument(
          fmt::format("field \"classes\": \"{}\" is in \"pairs\" but not listed", cls));
    }
  }
  for (const auto& [cls, entry] : classes) {
    const auto it = per_class.find(cls);
    if (entry.first != (it == per_class.end() ? 0 : it->second)) {
      throw std::invalid_argument(
          fmt::format("field \"classes\": count of \"{}\" disagrees with \"pairs\"", cls));
    }
  }
  if (j.contains("truth")) {
    if (!j["truth"].is_object()) throw std::invalid_argument("field \"truth\" is not an object");
    std::map<std::string, uint64_t> truth;
    for (const auto& [t, v] : j["truth"].items()) {
      if (const uint64_t n = read_count(v, fmt::format("truth.{}", t)); n > 0) truth[t] = n;
    }
    std::erase_if(per_truth, [](const auto& e) { return e.second == 0; });
    if (truth != per_truth) {
      throw std::invalid_argument("field \"truth\" disagrees with \"pairs\"");
    }
  }
  for (const auto& [key, count] : pairs) {
    if (count > 0) run.histogram.add_pair(key.first, key.second, count, classes[key.second].second);
  }
  const Histogram& h = run.histogram;
  if (j.contains("matched") && read_count(j["matched"], "matched") != h.matched()) {
    throw std::invalid_argument(fmt::format("field \"matched\" is {} but \"pairs\" give {}",
                                            j["matched"].get<uint64_t>(), h.matched()));
  }
  // Written by nlohmann::json as the shortest text that reads back as the same double: recomputed
  // the same way, a true value compares equal; the tolerance only forgives another writer's last
  // digit.
  if (j.contains("fidelity") &&
      (!j["fidelity"].is_number() ||
       !(std::abs(j["fidelity"].get<double>() - h.fidelity()) <= 1e-12))) {
    throw std::invalid_argument(
        fmt::format("field \"fidelity\" is not {} (matched / iterations)", h.fidelity()));
  }
  if (j.contains("divergent") &&
      (!j["divergent"].is_boolean() || j["divergent"].get<bool>() != h.divergent())) {
    throw std::invalid_argument(fmt::format("field \"divergent\" is not {} ({} classes)",
                                            h.divergent(), h.classes().size()));
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
  if (!j.contains("iterations")) throw std::invalid_argument("missing field \"iterations\"");
  const uint64_t iterations = read_count(j["iterations"], "iterations");
  read_run_fields(j, run);
  read_histogram(j, iterations, run);
  return run;
}

}  // namespace h2race
