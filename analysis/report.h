// Human-readable renderings of a run.
#pragma once

#include <string>
#include <vector>

#include "core/run_record.h"

namespace h2race {

// The histogram table printed by `h2race run`: one row per class (class, count, %, example),
// the server's truth, fidelity with its Wilson 95% interval, and the divergence verdict (with
// the rule-of-three bound when only one class was seen).
std::string text_table(const RunRecord& run);

// One row per run: scenario, iterations, classes with shares, fidelity with interval, divergent.
std::string markdown_report(const std::vector<RunRecord>& runs);
// One horizontal 100%-stacked bar per run, one colour per class (legend below), fidelity at the
// end of each bar. Self-contained SVG, readable in any browser.
std::string svg_report(const std::vector<RunRecord>& runs);

// Text made safe for XML (SVG) content and attributes.
std::string xml_escape(const std::string& s);

}  // namespace h2race
