#include "core/definition_text.h"

#include <charconv>

namespace h2race {

std::vector<std::string> split_definition_words(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  auto blank = [&](size_t at) { return line[at] == ' ' || line[at] == '\t' || line[at] == '\r'; };
  while (i < line.size()) {
    if (blank(i)) {
      ++i;
      continue;
    }
    if (line[i] == '#') break;
    std::string word;
    if (line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i == line.size()) break;
          const char e = line[i++];
          c = e == 't' ? '\t' : e == 'n' ? '\n' : e;
        }
        word += c;
      }
      if (!closed) throw DefinitionLineError{"unterminated quote"};
      if (i < line.size() && !blank(i)) {
        throw DefinitionLineError{"a closing quote must end the word"};
      }
    } else {
      while (i < line.size() && !blank(i)) {
        if (line[i] == '"') throw DefinitionLineError{"a quote must start the word"};
        word += line[i++];
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

uint64_t parse_definition_number(const std::string& word, std::string_view key, uint64_t max) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
  if (ec != std::errc() || end != word.data() + word.size() || n > max) {
    throw DefinitionLineError{fmt::format("{}: '{}' is not a number from 0 to {}", key, word, max)};
  }
  return n;
}

void expect_value_count(const std::vector<std::string>& w, size_t n) {
  if (w.size() != n + 1) {
    throw DefinitionLineError{fmt::format("{} takes {} value{}", w[0], n, n == 1 ? "" : "s")};
  }
}

void parse_speaks(const std::vector<std::string>& w, bool& h1, bool& h2) {
  if (w.size() < 2 || w.size() > 3) throw DefinitionLineError{"speaks takes h2, h1 or both"};
  for (size_t i = 1; i < w.size(); ++i) {
    if (w[i] == "h1") {
      h1 = true;
    } else if (w[i] == "h2") {
      h2 = true;
    } else {
      throw DefinitionLineError{fmt::format("speaks: '{}' is not h1 or h2", w[i])};
    }
  }
}

bool is_definition_name(std::string_view s) {
  if (s.empty() || s.size() > 40 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
    return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return true;
}

void check_definition_placeholders(const std::string& word,
                                   const std::function<bool(std::string_view)>& known) {
  for (size_t i = 0; i < word.size(); ++i) {
    if (word[i] == '}') {
      if (i + 1 < word.size() && word[i + 1] == '}') {
        ++i;
        continue;
      }
      throw DefinitionLineError{fmt::format("'{}': a lone }} (write }}}} for a brace)", word)};
    }
    if (word[i] != '{') continue;
    if (i + 1 < word.size() && word[i + 1] == '{') {
      ++i;
      continue;
    }
    const size_t close = word.find('}', i);
    if (close == std::string::npos) {
      throw DefinitionLineError{fmt::format("'{}': unclosed {{", word)};
    }
    const std::string_view name = std::string_view(word).substr(i + 1, close - i - 1);
    if (!known(name)) {
      throw DefinitionLineError{fmt::format("'{}': unknown placeholder {{{}}}", word, name)};
    }
    i = close;
  }
}

}  // namespace h2race
