#include "analysis/sequence_diagram.h"

#include <fmt/format.h>

#include <vector>

#include "analysis/report.h"

namespace h2race {
namespace {

constexpr int kWidth = 1000;
constexpr int kClientX = 330;
constexpr int kServerX = 720;
constexpr int kTop = 70;
constexpr int kRow = 24;
constexpr int kLine = 15;  // between the lines of a wrapped note
// Notes are wrapped to their lane: a client note between the time column and the client's
// lifeline, a server note between the server's lifeline and the right edge. SVG text does not
// wrap itself, and a long note (the Go model's "closed ... before the request took the
// connection") ran left over the time column. A character is taken as 6.5 px at 12 px
// sans-serif, a little wider than DejaVu Sans's average, so a line errs on the short side.
constexpr int kTimeColumn = 90;
constexpr int kNoteGap = 8;
constexpr double kCharPx = 6.5;
constexpr size_t lane_chars(int px) { return static_cast<size_t>(px / kCharPx); }
constexpr size_t kClientNoteChars = lane_chars(kClientX - kNoteGap - kTimeColumn);
constexpr size_t kServerNoteChars = lane_chars(kWidth - kServerX - 2 * kNoteGap);
constexpr const char* kGrey = "#9e9e9e";
constexpr const char* kRed = "#d32f2f";
constexpr const char* kOrange = "#ef6c00";
constexpr const char* kBlue = "#1565c0";

bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// Lines of at most `width` characters, broken at spaces; a word longer than a line is cut.
std::vector<std::string> wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(at, end - at);
    at = end + 1;
    while (word.size() > width) {
      if (!line.empty()) lines.push_back(std::move(line));
      lines.push_back(word.substr(0, width));
      line.clear();
      word.erase(0, width);
    }
    if (!line.empty() && line.size() + 1 + word.size() > width) lines.push_back(std::move(line));
    line = line.empty() ? word : line + " " + word;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

class Drawing {
 public:
  explicit Drawing(std::string title) : title_(std::move(title)) {}

  void arrow(int y, bool to_server, const std::string& label, const char* colour, bool fails) {
    const int from = to_server ? kClientX : kServerX;
    const int to =
        fails ? (to_server ? kClientX + 90 : kServerX - 90) : (to_server ? kServerX : kClientX);
    const int dir = to > from ? 1 : -1;
    body_ += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.6"/>)"
                         R"(<polygon points="{},{} {},{} {},{}" fill="{}"/>)",
                         from, y - 6, to, y + 6, colour, to, y + 6, to - dir * 9, y + 1,
                         to - dir * 9, y + 9, colour);
    if (fails) {
      body_ += fmt::format(R"(<text x="{}" y="{}" fill="{}" font-size="16">✗</text>)", to + dir * 4,
                           y + 12, kRed);
    }
    // A failed write's arrow is short: its label starts beside the lifeline instead of being
    // centred on the arrow, which put half of it over the client's notes.
    const int x = fails ? from + dir * 6 : (from + to) / 2;
    const char* anchor = !fails ? "middle" : dir > 0 ? "start" : "end";
    body_ += fmt::format(R"(<text x="{}" y="{}" fill="{}" text-anchor="{}">{}</text>)", x, y - 9,
                         colour, anchor, xml_escape(label));
  }
  // Returns the number of lines the note took.
  int aside(int y, bool client, const std::string& text, const char* colour) {
    // Client notes to the left of its lifeline, server notes to the right of its own.
    const int x = client ? kClientX - kNoteGap : kServerX + kNoteGap;
    const auto lines = wrap(text, client ? kClientNoteChars : kServerNoteChars);
    body_ += fmt::format(R"(<text x="{}" y="{}" fill="{}" text-anchor="{}">)", x, y + 4, colour,
                         client ? "end" : "start");
    if (lines.size() > 1) body_ += fmt::format("<title>{}</title>", xml_escape(text));
    for (size_t i = 0; i < lines.size(); ++i) {
      body_ += fmt::format(R"(<tspan x="{}" dy="{}">{}</tspan>)", x, i == 0 ? 0 : kLine,
                           xml_escape(lines[i]));
    }
    body_ += "</text>";
    return static_cast<int>(lines.size());
  }
  void marked(int y, const std::string& text) {
    body_ +=
        fmt::format(R"(<rect x="{}" y="{}" width="{}" height="18" fill="#ffebee" stroke="{}"/>)"
                    R"(<text x="{}" y="{}" fill="{}" font-weight="bold">{}</text>)",
                    kClientX + 10, y - 9, 8 * text.size() + 12, kRed, kClientX + 16, y + 4, kRed,
                    xml_escape(text));
  }
  void time(int y, int64_t t_us) {
    body_ += fmt::format(R"(<text x="8" y="{}" fill="{}">{} µs</text>)", y + 4, kGrey, t_us);
  }
  // bottom: the y below the last row.
  std::string svg(int bottom) const {
    const int height = bottom + 20;
    std::string out =
        fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" )"
                    R"(font-family="sans-serif" font-size="12">)"
                    R"(<rect width="100%" height="100%" fill="white"/>)"
                    R"(<text x="8" y="20" font-size="14" font-weight="bold">{}</text>)",
                    kWidth, height, xml_escape(title_));
    for (auto [x, name] : {std::pair{kClientX, "client"}, std::pair{kServerX, "server"}}) {
      out += fmt::format(
          R"(<text x="{}" y="48" text-anchor="middle" font-weight="bold">{}</text>)"
          R"(<line x1="{}" y1="56" x2="{}" y2="{}" stroke="#424242" stroke-dasharray="4 3"/>)",
          x, name, x, x, height - 10);
    }
    return out + body_ + "</svg>\n";
  }

 private:
  std::string title_;
  std::string body_;
};

}  // namespace

std::string sequence_svg(const std::string& title, const Example& example) {
  Drawing d(title);
  int y = kTop;
  std::string client_step;  // the last client point: which write comes next
  for (const TimelineEvent& e : example.events) {
    int lines = 1;
    const bool client = e.side == Side::kClient;
    if (client && e.event.starts_with("client.before_")) client_step = e.event.substr(14);
    if (client && e.event == "write") {
      const std::string what = client_step == "preface"   ? "preface + SETTINGS"
                               : client_step == "headers" ? "HEADERS"
                                                          : "write";
      const bool ok = has(e.detail, ": ok");
      d.arrow(y, true,
              ok ? what + " (" + e.detail.substr(0, e.detail.find(':')) + ")"
                 : what + ": " + e.detail.substr(e.detail.find(": ") + 2),
              ok ? kBlue : kRed, !ok);
    } else if (client && e.event == "flight") {
      d.arrow(y, true, "last flight (Certificate, Finished) + KeyUpdate", kBlue, false);
    } else if (client && e.event == "abort" && has(e.detail, "first abort")) {
      d.marked(y, "reported: " + e.detail.substr(0, e.detail.find(": the first abort")));
    } else if (!client && e.event == "server.after_alert") {
      d.arrow(y, false, "TLS alert (fatal)", kBlue, false);
    } else if (!client && e.event == "close") {
      const bool rst = e.detail.starts_with("RST");
      d.arrow(y, false, e.detail, rst ? kOrange : kBlue, false);
    } else if (e.event.find('.') != std::string::npos) {
      lines = d.aside(y, client, e.event, kGrey);  // an injection point
    } else {
      lines = d.aside(y, client, e.event + " " + e.detail,
                      client && has(e.detail, ":") ? kRed : "#424242");
    }
    d.time(y, e.t_us);
    y += kRow + (lines - 1) * kLine;
  }
  return d.svg(y);
}

}  // namespace h2race
