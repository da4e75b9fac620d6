#include "core/external_rules.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "core/alert_names.h"
#include "core/classes.h"

namespace h2race {
namespace {

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '|')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == '\n' || s.front() == ' ')) s.remove_prefix(1);
  return std::string(s);
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ' || c == '_';
}
bool is_code_char(char c) { return (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_errno_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// The run of `allowed` characters right after the first of `markers` that occurs; nullopt when
// none occurs or nothing allowed follows it. Plain scanning, not <regex>: GCC 12's <regex> trips
// -Wmaybe-uninitialized under the sanitizer build.
std::optional<std::string> word_after(std::string_view text,
                                      const std::vector<std::string>& markers,
                                      bool (*allowed)(char)) {
  for (const std::string& marker : markers) {
    const size_t at = text.find(marker);
    if (at == std::string_view::npos) continue;
    size_t end = at + marker.size();
    while (end < text.size() && allowed(text[end])) ++end;
    if (end == at + marker.size()) return std::nullopt;
    return std::string(text.substr(at + marker.size(), end - at - marker.size()));
  }
  return std::nullopt;
}

// "EPIPE" back to EPIPE; 0 for a name the C library does not give any errno.
int errno_number(std::string_view name) {
  for (int e = 1; e < 256; ++e) {
    if (const char* n = strerrorname_np(e); n && name == n) return e;
  }
  return 0;
}

bool is_op(std::string_view op) {
  return op == "connect" || op == "handshake" || op == "read" || op == "write";
}

template <typename Pred>
bool all_of(std::string_view s, Pred pred) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

// The Outcome for a fixed class, with the op and errno the class names (so the JSON and the
// prefer-alert logic see the same fields as for an in-process client).
Outcome class_outcome(std::string_view cls, const std::string& raw) {
  if (cls == cls::kOk) return ok_outcome(raw);
  if (cls.starts_with(cls::kAlertPrefix)) {
    if (auto n = alert_number(cls.substr(cls::kAlertPrefix.size()))) return alert_outcome(*n, raw);
  }
  const size_t colon = cls.find(':');
  const std::string_view op = colon == std::string_view::npos ? "" : cls.substr(0, colon);
  Outcome o = other_outcome(is_op(op) ? op : (op == "h2" ? "h2" : ""), raw);
  o.cls = std::string(cls);
  if (is_op(op)) o.err = errno_number(cls.substr(colon + 1));
  return o;
}

// An alert named in the program's own words, once mapped to the RFC name; `other` if the name
// is not one the RFCs know (so a new spelling shows up instead of being miscounted).
Outcome alert_after(const OutputRules& rules, const OutputRule& rule, const std::string& raw) {
  auto found = word_after(raw, rule.markers, is_name_char);
  if (!found) return other_outcome("handshake", raw);
  std::string name = trimmed(*found);
  for (const auto& [words, rfc] : rules.alert_names) {
    if (name == words) name = rfc;
  }
  for (char& c : name) c = c == ' ' ? '_' : c;
  if (auto n = alert_number(name)) return alert_outcome(*n, raw);
  return other_outcome("handshake", raw);
}

Outcome code_after(std::string_view prefix, const OutputRule& rule, const std::string& raw) {
  Outcome o = other_outcome("h2", raw);
  if (auto code = word_after(raw, rule.markers, is_code_char)) o.cls = std::string(prefix) + *code;
  return o;
}

bool matches(const OutputRule& rule, const ExternalReport& report) {
  if (rule.exit_code && *rule.exit_code != report.exit_code) return false;
  for (const std::string& part : rule.contains) {
    if (report.text.find(part) == std::string::npos) return false;
  }
  return true;
}

}  // namespace

Outcome classify_external(const OutputRules& rules, const ExternalReport& report) {
  const std::string raw = trimmed(report.text);
  for (const OutputRule& rule : rules.rules) {
    if (!matches(rule, report)) continue;
    switch (rule.action) {
      case RuleAction::kClass:
        return class_outcome(rule.cls, raw);
      case RuleAction::kAlertAfter:
        return alert_after(rules, rule, raw);
      case RuleAction::kGoawayAfter:
        return code_after(cls::kGoawayPrefix, rule, raw);
      case RuleAction::kRstStreamAfter:
        return code_after(cls::kRstStreamPrefix, rule, raw);
    }
  }
  return other_outcome(
      "", fmt::format("exit {}: {}", report.exit_code, raw.empty() ? "(no output)" : raw));
}

bool is_canonical_class(std::string_view cls) {
  for (std::string_view fixed : cls::kFixedClasses) {
    if (cls == fixed) return true;
  }
  if (cls.starts_with(cls::kHttpPrefix)) return is_http_status(cls.substr(cls::kHttpPrefix.size()));
  if (cls.starts_with(cls::kAlertPrefix)) {
    return alert_number(cls.substr(cls::kAlertPrefix.size())).has_value();
  }
  for (std::string_view prefix : {cls::kGoawayPrefix, cls::kRstStreamPrefix}) {
    if (cls.starts_with(prefix)) return all_of(cls.substr(prefix.size()), is_code_char);
  }
  const size_t colon = cls.find(':');
  if (colon == std::string_view::npos || !is_op(cls.substr(0, colon))) return false;
  const std::string_view err = cls.substr(colon + 1);
  return err == "EOF" || (err.starts_with("E") && all_of(err, is_errno_char) && errno_number(err));
}

}  // namespace h2race
