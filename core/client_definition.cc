#include "core/client_definition.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>

#include "core/definition_text.h"
#include "core/file_error.h"
#include "core/input_file.h"

namespace h2race {
namespace {

using LineError = DefinitionLineError;

void check_placeholders(const std::string& word, std::string_view key) {
  check_definition_placeholders(word,
                                [&](std::string_view name) { return is_placeholder(name, key); });
}

// rule [exit N] [contains "TEXT"]... => CLASS
// rule ... => tls_alert|h2:goaway|h2:rst_stream after "MARKER"...
OutputRule parse_rule(const std::vector<std::string>& w) {
  OutputRule rule;
  size_t i = 1;
  for (; i < w.size() && w[i] != "=>"; ++i) {
    if (i + 1 >= w.size()) throw LineError{fmt::format("rule: {} needs a value", w[i])};
    if (w[i] == "exit") {
      if (rule.exit_code) throw LineError{"rule: exit given twice"};
      rule.exit_code = static_cast<int>(parse_definition_number(w[++i], "rule exit", 255));
    } else if (w[i] == "contains") {
      // Bounded, so that matching a rule against an answer (at most kMaxRuleTextBytes x the
      // kept answer) stays far below any request's bound.
      if (w[i + 1].size() > kMaxRuleTextBytes) {
        throw LineError{fmt::format("rule: contains text of {} bytes; at most {}", w[i + 1].size(),
                                    kMaxRuleTextBytes)};
      }
      rule.contains.push_back(w[++i]);
    } else {
      throw LineError{fmt::format("rule: '{}' is not exit, contains or =>", w[i])};
    }
  }
  if (i + 1 >= w.size()) throw LineError{"rule: needs '=> CLASS'"};
  const std::string& target = w[++i];
  if (i + 1 == w.size()) {
    if (!is_canonical_class(target)) {
      throw LineError{fmt::format("rule: '{}' is not a canonical class (README)", target)};
    }
    rule.cls = target;
    return rule;
  }
  static const std::map<std::string, RuleAction, std::less<>> kActions{
      {"tls_alert", RuleAction::kAlertAfter},
      {"h2:goaway", RuleAction::kGoawayAfter},
      {"h2:rst_stream", RuleAction::kRstStreamAfter}};
  const auto action = kActions.find(target);
  if (action == kActions.end()) {
    throw LineError{fmt::format(
        "rule: '=> {} ...': only tls_alert, h2:goaway and h2:rst_stream take 'after \"MARKER\"'",
        target)};
  }
  if (w[i + 1] != "after" || i + 2 >= w.size()) {
    throw LineError{fmt::format("rule: '=> {} ...' needs 'after \"MARKER\"...'", target)};
  }
  rule.action = action->second;
  for (i += 2; i < w.size(); ++i) {
    if (w[i].empty()) throw LineError{"rule: an empty marker"};
    if (w[i].size() > kMaxRuleTextBytes) {
      throw LineError{
          fmt::format("rule: a marker of {} bytes; at most {}", w[i].size(), kMaxRuleTextBytes)};
    }
    rule.markers.push_back(w[i]);
  }
  return rule;
}

void parse_line(const std::vector<std::string>& w, ClientDefinition& d,
                std::set<std::string>& seen) {
  const std::string& key = w[0];
  static const std::set<std::string, std::less<>> kRepeatable{"rule", "alert-name", "needs"};
  if (!kRepeatable.count(key) && !seen.insert(key).second) {
    throw LineError{fmt::format("{} given twice", key)};
  }
  // The keys whose value is one word, kept as written.
  static const std::map<std::string, std::string ClientDefinition::*, std::less<>> kWordKeys{
      {"name", &ClientDefinition::name},
      {"summary", &ClientDefinition::summary},
      {"program", &ClientDefinition::program},
      {"package", &ClientDefinition::package},
      {"modeled-by", &ClientDefinition::modeled_by},
      {"rules-from", &ClientDefinition::rules_from}};
  if (const auto word_key = kWordKeys.find(key); word_key != kWordKeys.end()) {
    expect_value_count(w, 1);
    if (key == "name" && !is_definition_name(w[1])) {
      throw LineError{fmt::format("name '{}': use a-z, 0-9, - and .", w[1])};
    }
    if (key == "program" || key == "rules-from") check_placeholders(w[1], key);
    d.*(word_key->second) = w[1];
  } else if (key == "needs") {
    expect_value_count(w, 2);
    check_placeholders(w[2], key);
    d.needs.emplace_back(w[1], w[2]);
  } else if (key == "speaks") {
    parse_speaks(w, d.speaks_h1, d.speaks_h2);
  } else if (key == "requests-per-process") {
    expect_value_count(w, 1);
    d.requests_per_process = parse_definition_number(w[1], key, 100'000);
    if (d.requests_per_process == 0) throw LineError{"requests-per-process must be at least 1"};
  } else if (key == "answers") {
    using enum ClientDefinition::Answers;
    d.answers =
        one_of<ClientDefinition::Answers>(w, {{"exit-status", kExitStatus}, {"lines", kLines}});
  } else if (key == "local-address") {
    using enum ClientDefinition::LocalAddress;
    d.local_address = one_of<ClientDefinition::LocalAddress>(
        w, {{"none", kNone}, {"stdout", kStdout}, {"line", kLine}});
  } else if (key == "startup-ms") {
    expect_value_count(w, 1);
    d.startup = std::chrono::milliseconds(parse_definition_number(w[1], key, 600'000));
  } else if (key == "paced") {
    d.paced = one_of<bool>(w, {{"yes", true}, {"no", false}});
  } else if (key == "in-matrix") {
    d.in_matrix = one_of<bool>(w, {{"yes", true}, {"no", false}});
  } else if (key == "argv" || key == "cert-argv" || key == "version-argv" ||
             key == "slow-request-argv") {
    if (w.size() < 2) throw LineError{fmt::format("{} needs at least one word", key)};
    for (size_t i = 1; i < w.size(); ++i) check_placeholders(w[i], key);
    // The program run is the one `program` names and the plan found (exit 2 when it is missing),
    // never another path that would only fail when the run starts. The -argv keys appended to
    // argv are the program's arguments, not a program.
    const bool appended = key == "cert-argv" || key == "slow-request-argv";
    if (!appended && w[1] != "{program}") {
      throw LineError{fmt::format("{} must start with {{program}}, not '{}'", key, w[1])};
    }
    (key == "argv"           ? d.argv
     : key == "cert-argv"    ? d.cert_argv
     : key == "version-argv" ? d.version_argv
                             : d.slow_request_argv)
        .assign(w.begin() + 1, w.end());
  } else if (key == "alert-name") {
    expect_value_count(w, 2);
    d.rules.alert_names.emplace_back(w[1], w[2]);
  } else if (key == "rule") {
    d.rules.rules.push_back(parse_rule(w));
  } else {
    throw LineError{fmt::format("unknown key '{}'", key)};
  }
}

// Parses every line of text into d; returns the number of lines. only: the keys allowed (all
// when empty).
size_t parse_lines(std::string_view text, const std::string& file, ClientDefinition& d,
                   std::set<std::string>& seen, const std::set<std::string_view>& only = {}) {
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    try {
      if (line.find('\0') != std::string_view::npos) throw LineError{"a NUL byte"};
      const auto words = split_definition_words(line);
      if (words.empty()) continue;
      if (!only.empty() && !only.count(words[0])) {
        throw LineError{
            fmt::format("'{}' cannot be in a rules-from file (only rule, alert-name)", words[0])};
      }
      parse_line(words, d, seen);
    } catch (const LineError& e) {
      throw DefinitionError(fmt::format("{}:{}: {}", file, line_no, e.what));
    }
  }
  return line_no;
}

}  // namespace

bool is_placeholder(std::string_view name, std::string_view key) {
  static const std::set<std::string_view> kNames{"program", "dir",   "url",        "ca",
                                                 "count",   "proto", "timeout_ms", "timeout_s"};
  if (kNames.count(name)) return true;
  if (key == "cert-argv" && (name == "cert" || name == "key")) return true;
  if (key == "slow-request-argv" && name == "slow_request_us") return true;
  // {proto:H1WORD|H2WORD}: the word for the run's protocol.
  return name.starts_with("proto:") && name.find('|') != std::string_view::npos &&
         name.find('|') == name.rfind('|');
}

void add_rules_from(std::string_view text, const std::string& file, ClientDefinition& d) {
  std::set<std::string> seen;
  parse_lines(text, file, d, seen, {"rule", "alert-name"});
}

namespace {

// The project's bounded reader: a FIFO, a device or a huge file is an error naming the file,
// never a hang or an exhausted memory.
std::string read_text(const std::filesystem::path& file) {
  try {
    return read_input_file(file, kMaxDefinitionBytes);
  } catch (const FileError& e) {
    throw DefinitionError(e.what());
  }
}

}  // namespace

ClientDefinition read_client_definition(const std::filesystem::path& file) {
  ClientDefinition def = parse_client_definition(read_text(file), file.string());
  if (!def.rules_from.empty()) {
    // {dir} is the only placeholder a path may use here (the parser checked it).
    std::string path = def.rules_from;
    for (size_t at; (at = path.find("{dir}")) != std::string::npos;) path.replace(at, 5, def.dir);
    add_rules_from(read_text(path), path, def);
  }
  return def;
}

ClientDefinition parse_client_definition(std::string_view text, const std::string& file) {
  ClientDefinition d;
  d.dir = std::filesystem::path(file).parent_path().string();
  if (d.dir.empty()) d.dir = ".";
  std::set<std::string> seen;
  size_t line_no = parse_lines(text, file, d, seen);
  // An empty file has no line to point at: name its first.
  line_no = std::max<size_t>(line_no, 1);
  auto missing = [&](std::string_view what) {
    throw DefinitionError(fmt::format("{}:{}: no '{}' line", file, line_no, what));
  };
  for (std::string_view key : {"name", "program", "package", "speaks", "answers", "argv"}) {
    if (!seen.count(std::string(key))) missing(key);
  }
  const auto fail = [&](std::string_view what) {
    throw DefinitionError(fmt::format("{}:{}: {}", file, line_no, what));
  };
  if (d.answers == ClientDefinition::Answers::kExitStatus) {
    if (d.requests_per_process != 1) fail("answers exit-status means requests-per-process 1");
    if (d.local_address == ClientDefinition::LocalAddress::kLine) {
      fail("local-address line needs answers lines");
    }
    if (d.paced) fail("paced needs answers lines");
  } else if (d.local_address == ClientDefinition::LocalAddress::kStdout) {
    fail("local-address stdout needs answers exit-status (the lines carry the address)");
  }
  return d;
}

}  // namespace h2race
