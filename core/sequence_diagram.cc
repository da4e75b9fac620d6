#include "core/sequence_diagram.h"

#include <fmt/format.h>

#include "core/report.h"

namespace h2race {
namespace {

constexpr int kWidth = 960;
constexpr int kClientX = 270;
constexpr int kServerX = 680;
constexpr int kTop = 70;
constexpr int kRow = 24;
constexpr const char* kGrey = "#9e9e9e";
constexpr const char* kRed = "#d32f2f";
constexpr const char* kOrange = "#ef6c00";
constexpr const char* kBlue = "#1565c0";

bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

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
    const int mid = (from + to) / 2;
    body_ += fmt::format(R"(<text x="{}" y="{}" fill="{}" text-anchor="middle">{}</text>)", mid,
                         y - 9, colour, xml_escape(label));
  }
  void aside(int y, bool client, const std::string& text, const char* colour) {
    // Client notes to the left of its lifeline, server notes to the right of its own.
    const int x = client ? kClientX - 8 : kServerX + 8;
    body_ += fmt::format(R"(<text x="{}" y="{}" fill="{}" text-anchor="{}">{}</text>)", x, y + 4,
                         colour, client ? "end" : "start", xml_escape(text));
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
  std::string svg(int rows) const {
    const int height = kTop + rows * kRow + 20;
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
  int row = 0;
  std::string client_step;  // the last client point: which write comes next
  for (const TimelineEvent& e : example.events) {
    const int y = kTop + row * kRow;
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
      d.aside(y, client, e.event, kGrey);  // an injection point
    } else {
      d.aside(y, client, e.event + " " + e.detail, client && has(e.detail, ":") ? kRed : "#424242");
    }
    d.time(y, e.t_us);
    ++row;
  }
  return d.svg(row);
}

}  // namespace h2race
