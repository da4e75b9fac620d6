#include "analysis/servers_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/classes.h"
#include "core/stats.h"

namespace h2race {
namespace {

// A cell's text can come from a program (its version line): no table syntax in it.
std::string cell(std::string s) {
  std::replace(s.begin(), s.end(), '|', '/');
  std::replace(s.begin(), s.end(), '`', '\'');
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

std::string server_of(const RunRecord& r) {
  const std::string base = r.scenario.server.empty() ? "h2race" : r.scenario.server;
  return r.scenario.server_knob.empty() ? base : base + " +" + r.scenario.server_knob;
}

std::string percent(uint64_t n, uint64_t of) {
  return fmt::format(
      "{:.1f} %", 100.0 * static_cast<double>(n) / static_cast<double>(std::max<uint64_t>(1, of)));
}

}  // namespace

std::string servers_report(const std::vector<RunRecord>& runs) {
  std::vector<std::string> servers;  // in the order the matrix ran them
  std::vector<std::string> clients;  // "h2 go", "h1 curl", ...
  std::map<std::pair<std::string, std::string>, const RunRecord*> by_cell;
  for (const RunRecord& r : runs) {
    const std::string s = server_of(r);
    const std::string c = fmt::format("{} {}", name(r.scenario.proto), r.scenario.client);
    if (std::find(servers.begin(), servers.end(), s) == servers.end()) servers.push_back(s);
    if (std::find(clients.begin(), clients.end(), c) == clients.end()) clients.push_back(c);
    by_cell[{c, s}] = &r;
  }
  // h2race's own server first, then the real ones, each server's knobs after all of them; h2
  // clients before h1 (the order the runs came in otherwise, e.g. read back from files).
  std::stable_sort(servers.begin(), servers.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& s) {
      return std::make_tuple(s.find(" +") != std::string::npos, s != "h2race", s);
    };
    return rank(a) < rank(b);
  });
  std::stable_sort(clients.begin(), clients.end(), [](const std::string& a, const std::string& b) {
    return a.starts_with("h2 ") && !b.starts_with("h2 ");
  });

  std::string out;
  // What each server did on the wire, over every connection of every client.
  out +=
      "## What each server did (read from the wire)\n\n"
      "| server | version | key | truth over all its connections | its close (server side) | "
      "races |\n|---|---|---|---|---|---|\n";
  std::vector<std::string> never_race, never_alert;
  for (const std::string& s : servers) {
    std::map<std::string, uint64_t> truth, closes;
    uint64_t total = 0;
    bool divergent = false;
    std::string version, key;
    for (const auto& [k, r] : by_cell) {
      if (k.second != s) continue;
      for (const auto& [t, n] : r->histogram.truth()) {
        truth[t] += n;
        total += n;
      }
      divergent |= r->histogram.divergent();
      key = std::string(name(r->scenario.key_type));
      if (r->env.contains("server_program")) {
        version = r->env["server_program"].value("version", "");
      } else {
        version = "h2race's own (in-process, BoringSSL)";
      }
      if (r->env.contains("server_closes")) {
        for (const auto& [kind, n] : r->env["server_closes"].items())
          closes[kind] += n.get<uint64_t>();
      }
    }
    std::string truths, close_text;
    bool alert = false;
    for (const auto& [t, n] : truth) {
      truths += fmt::format("{}`{}` {}", truths.empty() ? "" : ", ", t, percent(n, total));
      alert |= t.starts_with(cls::kAlertPrefix);
    }
    uint64_t closed = 0;
    for (const auto& [kind, n] : closes) closed += n;
    for (const auto& [kind, n] : closes) {
      close_text +=
          fmt::format("{}{} {}", close_text.empty() ? "" : ", ", kind, percent(n, closed));
    }
    if (close_text.empty()) close_text = "(its own record: see results/zoo.md)";
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", cell(s), cell(version), key, truths,
                       close_text, divergent ? "yes" : "no");
    if (!divergent) never_race.push_back(s);
    if (!alert) never_alert.push_back(s);
  }

  out +=
      "\n## Clients x servers: fidelity (95 % interval) and what else the client reported\n\n"
      "A cell is the share of connections where the client reported what the server did; the "
      "classes after it are the other things it reported.\n\n| client |";
  for (const auto& s : servers) out += " " + cell(s) + " |";
  out += "\n|---|";
  for (size_t i = 0; i < servers.size(); ++i) out += "---|";
  out += "\n";
  std::map<std::string, std::vector<std::string>> loses;  // client -> servers
  for (const std::string& c : clients) {
    out += "| " + c + " |";
    for (const std::string& s : servers) {
      const auto it = by_cell.find({c, s});
      if (it == by_cell.end()) {
        out += " - |";
        continue;
      }
      const Histogram& h = it->second->histogram;
      const Interval b = wilson95(h.matched(), h.iterations());
      std::string other;
      for (const auto& cl : h.classes()) {
        if (h.truth().count(cl.cls)) continue;
        other += fmt::format("{}`{}` {}", other.empty() ? "" : ", ", cl.cls,
                             percent(cl.count, h.iterations()));
      }
      // Connections the capture gave no truth for are said, never folded into a class.
      const auto unknown = h.truth().find(std::string(cls::kUnknownTruth));
      if (unknown != h.truth().end()) {
        other += fmt::format("{}truth unknown {}", other.empty() ? "" : ", ", unknown->second);
      }
      out += fmt::format(" {:.1f} ({:.1f}..{:.1f}){} |", 100 * h.fidelity(), 100 * b.low,
                         100 * b.high, other.empty() ? "" : "<br>" + other);
      // Lost: the server sent an alert and the client reported something else.
      for (const auto& [pair, n] : h.pairs()) {
        const auto& [truth, reported] = pair;
        if (truth.starts_with(cls::kAlertPrefix) && reported != truth) {
          loses[c].push_back(s);
          break;
        }
      }
    }
    out += "\n";
  }

  auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? std::string("none") : s;
  };
  out += "\n## What it says\n\n";
  out += "- Never race (every client reported one class on every connection): " + list(never_race) +
         ". A server that completes the handshake and answers at the HTTP level, or never asks "
         "for a certificate, gives the client nothing to race.\n";
  out += "- Never send the alert: " + list(never_alert) + ".\n";
  out +=
      "- Clients that lose the alert (report something else on some connection where the "
      "server sent it), and against which servers:\n";
  for (const auto& [c, s] : loses) out += fmt::format("  - {}: {}\n", c, list(s));
  if (loses.empty()) out += "  - none\n";
  return out;
}

}  // namespace h2race
