// The text form that client and server definitions share (docs/peers.md): one `key value...`
// line each, words separated by blanks, "double quotes" keep blanks, # starts a comment, and
// {placeholders} in words. The two parsers differ only in their keys.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h2race {

// Thrown inside a definition parser with the line's problem only; the caller adds FILE:LINE.
struct DefinitionLineError {
  std::string what;
};

// A line's words: separated by blanks; "double quoted" keeps blanks (\" \\ \t \n inside); a # at
// the start of a word begins a comment.
std::vector<std::string> split_definition_words(std::string_view line);

// word as a number from 0 to max; key names the line in the error.
uint64_t parse_definition_number(const std::string& word, std::string_view key, uint64_t max);

// w (key and values) has exactly n values.
void expect_value_count(const std::vector<std::string>& w, size_t n);

// `speaks h2|h1 [h2|h1]`: sets h1 and h2 for the words given.
void parse_speaks(const std::vector<std::string>& w, bool& h1, bool& h2);

// A definition's name: a-z, 0-9, - and ., at most 40, starting with a letter or digit.
bool is_definition_name(std::string_view s);

// Checks every {placeholder} of a word ({{ and }} are literal braces) with known(name).
void check_definition_placeholders(const std::string& word,
                                   const std::function<bool(std::string_view)>& known);

// The value of a one-word key, from its spellings.
template <typename T>
T one_of(const std::vector<std::string>& w,
         std::initializer_list<std::pair<std::string_view, T>> choices) {
  expect_value_count(w, 1);
  std::string names;
  for (const auto& [word, value] : choices) {
    if (w[1] == word) return value;
    names += (names.empty() ? "" : ", ") + std::string(word);
  }
  throw DefinitionLineError{fmt::format("{}: '{}' is not one of {}", w[0], w[1], names)};
}

}  // namespace h2race
