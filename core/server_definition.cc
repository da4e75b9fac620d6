#include "core/server_definition.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <set>

#include "core/definition_text.h"
#include "core/file_error.h"
#include "core/input_file.h"
#include "core/scenario.h"

namespace h2race {
namespace {

using LineError = DefinitionLineError;

// A config file's body is at most this many lines (a real one is tens).
constexpr size_t kMaxBodyLines = 10'000;

bool is_placeholder_name_char(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

// In a file's body: the length of the placeholder name that starts at text[i] (after a '{'),
// when one does: lower-case letters and _ up to a '}'. 0 when the brace is a literal one.
size_t body_placeholder_length(std::string_view text, size_t i) {
  size_t n = 0;
  while (i + n < text.size() && is_placeholder_name_char(text[i + n])) ++n;
  return n > 0 && i + n < text.size() && text[i + n] == '}' ? n : 0;
}

void check_body(std::string_view body) {
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '{') continue;
    if (i + 1 < body.size() && body[i + 1] == '{') {
      ++i;
      continue;
    }
    const size_t n = body_placeholder_length(body, i + 1);
    const std::string_view name = body.substr(i + 1, n);
    if (n > 0 && !is_server_placeholder(name)) {
      throw LineError{
          fmt::format("unknown placeholder {{{}}} (write {{{{ for a literal brace)", name)};
    }
  }
}

bool is_file_name(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] == '.') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
}

int parse_signal(const std::vector<std::string>& w) {
  return one_of<int>(
      w,
      {{"TERM", SIGTERM}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"HUP", SIGHUP}, {"KILL", SIGKILL}});
}

void check_words(const std::vector<std::string>& w, size_t from) {
  for (size_t i = from; i < w.size(); ++i) {
    check_definition_placeholders(w[i],
                                  [](std::string_view n) { return is_server_placeholder(n); });
  }
}

void parse_line(const std::vector<std::string>& w, ServerDefinition& d,
                std::set<std::string>& seen) {
  const std::string& key = w[0];
  if (key != "knob" && !seen.insert(key).second)
    throw LineError{fmt::format("{} given twice", key)};
  if (key == "name") {
    expect_value_count(w, 1);
    if (!is_definition_name(w[1])) {
      throw LineError{fmt::format("name '{}': use a-z, 0-9, - and .", w[1])};
    }
    d.name = w[1];
  } else if (key == "summary" || key == "package") {
    expect_value_count(w, 1);
    (key == "summary" ? d.summary : d.package) = w[1];
  } else if (key == "program") {
    expect_value_count(w, 1);
    check_definition_placeholders(w[1], [](std::string_view n) { return n == "dir"; });
    d.program = w[1];
  } else if (key == "speaks") {
    parse_speaks(w, d.speaks_h1, d.speaks_h2);
  } else if (key == "argv" || key == "version-argv") {
    if (w.size() < 2) throw LineError{fmt::format("{} needs at least one word", key)};
    if (w[1] != "{program}") {
      throw LineError{fmt::format("{} must start with {{program}}, not '{}'", key, w[1])};
    }
    check_words(w, 2);
    (key == "argv" ? d.argv : d.version_argv).assign(w.begin() + 1, w.end());
  } else if (key == "mtls") {
    expect_value_count(w, 1);
    if (w[1].empty()) throw LineError{"mtls: the switch is empty (none: the program has none)"};
    d.mtls = w[1] == "none" ? "" : w[1];
    d.has_mtls = w[1] != "none";
  } else if (key == "knob") {
    // knob NAME "TEXT" [mtls "SWITCH"]
    if (w.size() != 3 && !(w.size() == 5 && w[3] == "mtls")) {
      throw LineError{"knob takes a name, its text, and optionally mtls \"SWITCH\""};
    }
    if (!is_definition_name(w[1])) {
      throw LineError{fmt::format("knob '{}': use a-z, 0-9, - and .", w[1])};
    }
    ServerDefinition::Knob knob{w[2], std::nullopt};
    if (w.size() == 5) knob.mtls = w[4];
    if (!d.knobs.emplace(w[1], std::move(knob)).second) {
      throw LineError{fmt::format("knob {} given twice", w[1])};
    }
  } else if (key == "start-ms" || key == "stop-grace-ms") {
    expect_value_count(w, 1);
    const auto ms = std::chrono::milliseconds(parse_definition_number(w[1], key, 120'000));
    (key == "start-ms" ? d.start_timeout : d.stop_grace) = ms;
  } else if (key == "keys") {
    if (w.size() < 2) throw LineError{"keys needs at least one key type"};
    for (size_t i = 1; i < w.size(); ++i) {
      if (!parse<KeyType>(w[i])) {
        throw LineError{fmt::format("keys: '{}' is not a --key type", w[i])};
      }
      d.keys.push_back(w[i]);
    }
  } else if (key == "stop") {
    d.stop_signal = parse_signal(w);
  } else {
    throw LineError{fmt::format("unknown key '{}'", key)};
  }
}

}  // namespace

bool is_server_placeholder(std::string_view name) {
  static const std::set<std::string_view> kNames{"program", "dir", "tmp",  "host", "port", "cert",
                                                 "key",     "ca",  "mtls", "knob", "alpn", "pem"};
  return kNames.count(name) > 0;
}

ServerDefinition parse_server_definition(std::string_view text, const std::string& file) {
  ServerDefinition d;
  d.dir = std::filesystem::path(file).parent_path().string();
  if (d.dir.empty()) d.dir = ".";
  std::set<std::string> seen;
  std::set<std::string> file_names;
  size_t line_no = 0;
  auto next_line = [&](std::string_view& line) {
    if (text.empty()) return false;
    ++line_no;
    const size_t nl = text.find('\n');
    line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find('\0') != std::string_view::npos) {
      throw DefinitionError(fmt::format("{}:{}: a NUL byte", file, line_no));
    }
    return true;
  };
  std::string_view line;
  while (next_line(line)) {
    try {
      const auto words = split_definition_words(line);
      if (words.empty()) continue;
      if (words[0] != "file") {
        parse_line(words, d, seen);
        continue;
      }
      // file NAME <<MARK, then the body up to a line that is MARK alone.
      if (words.size() != 3 || !words[2].starts_with("<<") || words[2].size() < 3) {
        throw LineError{"file takes a name and <<MARK (the body follows, up to a line MARK)"};
      }
      if (!is_file_name(words[1])) {
        throw LineError{fmt::format("file '{}': use letters, digits, . - and _ (no /)", words[1])};
      }
      if (!file_names.insert(words[1]).second) {
        throw LineError{fmt::format("file {} given twice", words[1])};
      }
      const std::string mark = words[2].substr(2);
      const size_t opened_at = line_no;
      std::string body;
      bool closed = false;
      for (size_t n = 0; next_line(line); ++n) {
        if (line == mark) {
          closed = true;
          break;
        }
        if (n >= kMaxBodyLines) {
          throw DefinitionError(
              fmt::format("{}:{}: file {}: more than {} lines", file, line_no, words[1], n));
        }
        try {
          check_body(line);
        } catch (const LineError& e) {
          throw DefinitionError(fmt::format("{}:{}: {}", file, line_no, e.what));
        }
        body.append(line);
        body += '\n';
      }
      if (!closed) {
        throw DefinitionError(
            fmt::format("{}:{}: file {}: no line '{}' ends it", file, opened_at, words[1], mark));
      }
      d.files.emplace_back(words[1], std::move(body));
    } catch (const LineError& e) {
      throw DefinitionError(fmt::format("{}:{}: {}", file, line_no, e.what));
    }
  }
  line_no = std::max<size_t>(line_no, 1);
  for (std::string_view key : {"name", "program", "package", "speaks", "argv", "mtls"}) {
    if (!seen.count(std::string(key))) {
      throw DefinitionError(fmt::format("{}:{}: no '{}' line", file, line_no, key));
    }
  }
  return d;
}

ServerDefinition read_server_definition(const std::filesystem::path& file) {
  try {
    return parse_server_definition(read_input_file(file, kMaxDefinitionBytes), file.string());
  } catch (const FileError& e) {
    throw DefinitionError(e.what());
  }
}

std::string fill_server_placeholders(std::string_view text,
                                     const std::map<std::string, std::string>& values, bool body) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c == '{') {
      const size_t close = text.find('}', i);
      const size_t n = body                         ? body_placeholder_length(text, i + 1)
                       : close == std::string::npos ? 0
                                                    : close - i - 1;
      if (n > 0) {
        const auto v = values.find(std::string(text.substr(i + 1, n)));
        if (v != values.end()) {
          out += v->second;
          i += n + 1;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}

}  // namespace h2race
