// A CLI11 option whose value is one of an enum's spellings (core/scenario.h); the error
// message names the allowed ones.
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <string>

#include "core/scenario.h"

namespace h2race::cli {

// CLI11 check: value must be one of an enum's spellings; the error names the allowed ones.
template <typename E>
CLI::Validator one_of() {
  std::string allowed;
  for (const auto& [spelling, v] : spellings<E>())
    allowed += (allowed.empty() ? "" : "|") + spelling;
  return CLI::Validator(
      [allowed](std::string& value) -> std::string {
        return parse<E>(value) ? "" : fmt::format("'{}' is not one of {}", value, allowed);
      },
      allowed);
}

template <typename E>
void add_enum_option(CLI::App* app, const std::string& flag, E& target, const std::string& help) {
  app->add_option_function<std::string>(
         flag, [&target](const std::string& v) { target = *parse<E>(v); }, help)
      ->check(one_of<E>())
      ->default_str(std::string(name(target)));
}

}  // namespace h2race::cli
