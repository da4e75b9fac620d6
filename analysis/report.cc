#include "analysis/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/classes.h"
#include "core/printable.h"
#include "core/stats.h"

namespace h2race {

std::string xml_escape(const std::string& text) {
  // XML allows no control characters, escaped or not: a hostile histogram's would make the SVG
  // ill-formed.
  const std::string s = printable(text);
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {
// The example on one line, its middle left out when long: its end names the error.
std::string one_line(std::string s, size_t max) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return elide_middle(s, max);
}
}  // namespace

std::string text_table(const RunRecord& run) {
  const Histogram& h = run.histogram;
  const double n = static_cast<double>(h.iterations());
  std::string out = fmt::format("scenario {}{}\n", run.id(), run.partial ? " (PARTIAL)" : "");
  if (run.target) {
    out += fmt::format("target {} (external server: {})\n", run.target->url,
                       run.has_truth() ? "truth = --expect" : "no truth without --expect");
  }
  out += fmt::format("iterations {}  elapsed {:.2f} s  {:.0f} it/s\n", h.iterations(),
                     run.elapsed_s, run.elapsed_s > 0 ? n / run.elapsed_s : 0.0);
  std::string truths;
  for (const auto& [t, c] : h.truth()) truths += fmt::format("  {} {}", t, c);
  out += fmt::format("truth{}\n\n", truths);
  out += fmt::format("{:<34} {:>9} {:>8}  {}\n", "class", "count", "%", "example");
  for (const auto& c : h.classes()) {
    out += fmt::format("{:<34} {:>9} {:>7.2f}%  {}\n", c.cls, c.count,
                       n > 0 ? 100.0 * static_cast<double>(c.count) / n : 0.0,
                       one_line(c.example, 90));
  }
  const Interval b = wilson95(h.matched(), h.iterations());
  if (run.has_truth()) {
    out += fmt::format("\nfidelity {:.4f} (95% CI {:.4f}..{:.4f})  divergent: {}", h.fidelity(),
                       b.low, b.high, h.divergent() ? "yes" : "no");
  } else {
    // A fidelity of 0 would say the client got every connection wrong; nothing says what right is.
    out += fmt::format(
        "\nfidelity: none, no truth (nothing recorded what the server did; for a server h2race "
        "cannot see, `probe --expect CLASS` says it); the shares above are what the client "
        "reported  divergent: {}",
        h.divergent() ? "yes" : "no");
  }
  if (!h.divergent() && h.iterations() > 0) {
    out += rule_of_three(h.iterations()) < 1.0
               ? fmt::format("  (any other class < {:.3g}% at 95%, rule of three)",
                             100.0 * rule_of_three(h.iterations()))
               : std::string("  (too few iterations to bound any other class)");
  }
  out += "\n";
  if (const auto& g = h.grace(); g.iterations > 0) {
    out += fmt::format(
        "alert grace: {} iterations kept reading after a transport error; extra latency mean "
        "{:.0f} us, max {} us\n",
        g.iterations, static_cast<double>(g.total_us) / static_cast<double>(g.iterations),
        g.max_us);
  }
  if (const auto& r = h.redials(); r.iterations > 0) {
    out += fmt::format(
        "redials: {} requests ({:.2f}%) went out on a later connection; {} connections dropped\n",
        r.iterations,
        100.0 * static_cast<double>(r.iterations) / static_cast<double>(h.iterations()),
        r.connections);
  }
  if (run.schedule_failures > 0) {
    out += fmt::format("SCHEDULE FAILED in {} waits (first: {})\n", run.schedule_failures,
                       run.first_schedule_failure);
  }
  return out;
}

namespace {
// Text from a file inside a Markdown table's code span: a `|` would end the cell (even in a code
// span, in GitHub's tables), a line break the row, a backtick the span.
std::string md_code(const std::string& text) {
  // Line breaks escaped (below); every other control character and invalid byte made printable:
  // no ESC or BEL reaches a terminal that shows the file.
  std::string s;
  for (size_t start = 0; start <= text.size();) {
    const size_t end = std::min(text.find_first_of("\r\n", start), text.size());
    s += printable(std::string_view(text).substr(start, end - start));
    if (end < text.size()) s += text[end];
    start = end + 1;
  }
  std::string out;
  for (char c : s) {
    switch (c) {
      case '|':
        out += "\\|";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '`':
        out += '\'';
        break;
      default:
        out += c;
    }
  }
  return out;
}
}  // namespace

std::string markdown_report(const std::vector<RunRecord>& runs) {
  std::string out =
      "| scenario | iterations | classes | fidelity (95% CI) | divergent |\n"
      "|---|---:|---|---|---|\n";
  for (const auto& run : runs) {
    const Histogram& h = run.histogram;
    std::string classes;
    for (const auto& c : h.classes()) {
      classes += fmt::format("{}`{}` {:.2f}%", classes.empty() ? "" : ", ", md_code(c.cls),
                             100.0 * static_cast<double>(c.count) /
                                 static_cast<double>(std::max<uint64_t>(1, h.iterations())));
    }
    const Interval b = wilson95(h.matched(), h.iterations());
    out += fmt::format("| `{}`{} | {} | {} | {:.4f} ({:.4f}..{:.4f}) | {} |\n", md_code(run.id()),
                       run.partial ? " (partial)" : "", h.iterations(), classes, h.fidelity(),
                       b.low, b.high, h.divergent() ? "yes" : "no");
  }
  return out;
}

namespace {
// Fixed colours for the classes people look for; others cycle through the palette.
// palette_used counts the classes given a palette colour so far: counting them anew for each
// class made a report of many classes quadratic.
std::string class_colour(const std::string& cls, std::map<std::string, std::string>& assigned,
                         size_t& palette_used) {
  static const std::vector<std::pair<std::string, std::string>> kFixed = {
      {std::string(cls::kOk), "#2e7d32"},
      {std::string(cls::kWriteEpipe), "#e53935"},
      {std::string(cls::kWriteEconnreset), "#fb8c00"},
      {std::string(cls::kNoConnection), "#8e24aa"},
      {std::string(cls::kReadEconnreset), "#6d4c41"},
      {std::string(cls::kReadEof), "#546e7a"},
      {std::string(cls::kTimeout), "#212121"}};
  // No greens: green means `ok`.
  static const std::vector<std::string> kPalette = {"#1e88e5", "#00acc1", "#fdd835", "#5e35b1",
                                                    "#d81b60", "#3949ab", "#c0ca33", "#795548"};
  if (auto it = assigned.find(cls); it != assigned.end()) return it->second;
  for (const auto& [name, colour] : kFixed) {
    if (name == cls) return assigned[cls] = colour;
  }
  return assigned[cls] = kPalette[palette_used++ % kPalette.size()];
}

}  // namespace

std::string svg_report(const std::vector<RunRecord>& runs) {
  constexpr int kLabelW = 330, kBarW = 560, kFidW = 120, kRowH = 28, kBarH = 18, kTop = 40;
  std::map<std::string, std::string> colours;
  std::vector<std::string> legend_order;
  size_t palette_used = 0;
  for (const auto& run : runs) {
    for (const auto& c : run.histogram.classes()) {
      if (!colours.count(c.cls)) legend_order.push_back(c.cls);
      class_colour(c.cls, colours, palette_used);
    }
  }
  const int legend_rows = static_cast<int>((legend_order.size() + 2) / 3);
  const int width = kLabelW + kBarW + kFidW + 20;
  const int height = kTop + static_cast<int>(runs.size()) * kRowH + 30 + legend_rows * 22 + 10;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"white\"/>\n<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">h2race: "
      "what the client reported, per scenario (fidelity = share equal to the server's "
      "truth)</text>\n",
      width, height);
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto& run = runs[i];
    const Histogram& h = run.histogram;
    const int y = kTop + static_cast<int>(i) * kRowH;
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", kLabelW - 8,
                       y + 13, xml_escape(run.id()));
    double x = kLabelW;
    for (const auto& c : h.classes()) {
      const double w = kBarW * static_cast<double>(c.count) /
                       static_cast<double>(std::max<uint64_t>(1, h.iterations()));
      out += fmt::format(
          "<rect x=\"{:.2f}\" y=\"{}\" width=\"{:.2f}\" height=\"{}\" fill=\"{}\"><title>{}: {} "
          "({:.2f}%)</title></rect>\n",
          x, y, w, kBarH, colours[c.cls], xml_escape(c.cls), c.count,
          100.0 * static_cast<double>(c.count) / static_cast<double>(h.iterations()));
      x += w;
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\">fidelity {:.1f}%</text>\n", kLabelW + kBarW + 8,
                       y + 13, 100.0 * h.fidelity());
  }
  const int ly = kTop + static_cast<int>(runs.size()) * kRowH + 20;
  for (size_t i = 0; i < legend_order.size(); ++i) {
    const int lx = 10 + static_cast<int>(i % 3) * 320;
    const int row_y = ly + static_cast<int>(i / 3) * 22;
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{}\" "
        "y=\"{}\">{}</text>\n",
        lx, row_y, colours[legend_order[i]], lx + 20, row_y + 12, xml_escape(legend_order[i]));
  }
  out += "</svg>\n";
  return out;
}

}  // namespace h2race
