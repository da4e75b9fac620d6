#include "clients/external_client.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <vector>

#include "clients/subprocess.h"
#include "core/printable.h"
#include "core/truth_table.h"

namespace h2race {
namespace {

// "127.0.0.1:40312", "[::1]:40312" or "127.0.0.1 40312" (a -w "%{local_ip} %{local_port}") as a
// socket address.
std::optional<sockaddr_storage> parse_local(std::string text) {
  std::string host, port;
  if (const size_t sp = text.find(' '); sp != std::string::npos) {
    host = text.substr(0, sp);
    port = text.substr(sp + 1);
  } else if (const size_t colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  } else {
    return std::nullopt;
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  char* end = nullptr;
  const unsigned long p = std::strtoul(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p == 0 || p > 65535) return std::nullopt;
  sockaddr_storage ss{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(p));
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(p));
  } else {
    return std::nullopt;
  }
  return ss;
}

std::optional<ConnKey> key_from_local(const std::string& text, const sockaddr_storage& server) {
  auto local = parse_local(text);
  if (!local) return std::nullopt;
  return conn_key(*local, server);
}

// What a program that died or hung left us, as the text of the requests it never answered.
std::string failure_text(const ExternalSetup& s, const ProcessResult& p) {
  std::string why = p.timed_out ? "did not finish in time"
                    : p.flooded
                        ? fmt::format("printed more than {} bytes (killed)", kMaxOutputBytes)
                    : p.term_signal ? fmt::format("was killed by signal {}", p.term_signal)
                                    : fmt::format("exited {} before answering", p.exit_code);
  return fmt::format("{} {}: {}", s.def->name, why, printable(p.err, kMaxExampleBytes));
}

// The value of one {placeholder} (validated when the definition was parsed).
std::string placeholder_value(const ExternalSetup& s, std::string_view name, uint64_t count) {
  if (name == "program") return s.program.string();
  if (name == "dir") return s.def->dir;
  if (name == "url") return s.url;
  if (name == "ca") return s.ca.string();
  if (name == "cert") return s.cert.string();
  if (name == "key") return s.key.string();
  if (name == "count") return std::to_string(count);
  if (name == "slow_request_us") return std::to_string(s.slow_request.count());
  if (name == "proto") return std::string(h2race::name(s.proto));
  if (name == "timeout_ms") return std::to_string(s.timeout.count());
  if (name == "timeout_s") {
    return fmt::format("{:.3f}", std::chrono::duration<double>(s.timeout).count());
  }
  // {proto:H1WORD|H2WORD}
  const std::string_view choices = name.substr(name.find(':') + 1);
  const size_t bar = choices.find('|');
  return std::string(s.proto == Proto::kH1 ? choices.substr(0, bar) : choices.substr(bar + 1));
}

// A word with its placeholders filled in; {{ and }} are literal braces.
std::string expand(const ExternalSetup& s, const std::string& word, uint64_t count) {
  std::string out;
  for (size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    if ((c == '{' || c == '}') && i + 1 < word.size() && word[i + 1] == c) {
      out += c;
      ++i;
    } else if (c == '{') {
      const size_t close = word.find('}', i);
      out += placeholder_value(s, std::string_view(word).substr(i + 1, close - i - 1), count);
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

// One request per process: exit code and stderr are the answer, and with local-address stdout
// the process's stdout is its connection's local address.
void run_one_request(const ExternalSetup& s, const std::vector<std::string>& argv,
                     const ResultSink& sink) {
  const ProcessResult p = run_process(argv, s.timeout + s.def->startup);
  if (p.interrupted) return;
  ClientResult r;
  if (p.timed_out) {
    r.outcome = timeout_outcome("");
    r.outcome.raw = failure_text(s, p);
  } else if (p.term_signal) {
    r.outcome = other_outcome("", failure_text(s, p));
  } else {
    r.outcome = classify_external(s.def->rules, {p.exit_code, p.err});
  }
  if (s.def->local_address == ClientDefinition::LocalAddress::kStdout) {
    r.key = key_from_local(p.out, s.server);
  }
  sink(std::move(r));
}

// "redials=N\t" before the answer: the program dialled N more connections for the request than
// the one the answer came from (Go's Transport redials a connection that died before the request
// took it); absent means none.
uint32_t take_redials(std::string& answer) {
  constexpr std::string_view kField = "redials=";
  const size_t tab = answer.find('\t');
  if (!answer.starts_with(kField) || tab == std::string::npos) return 0;
  uint32_t n = 0;
  const char* first = answer.data() + kField.size();
  const auto [end, ec] = std::from_chars(first, answer.data() + tab, n);
  if (ec != std::errc() || end != answer.data() + tab) return 0;
  answer.erase(0, tab + 1);
  return n;
}

}  // namespace

Outcome classify_answer_line(const ClientDefinition& def, std::string_view line,
                             std::string* local) {
  // A line saved on another system may end in CR: "ok 404\r" is still the status 404.
  if (line.ends_with('\r')) line.remove_suffix(1);
  const size_t tab = line.find('\t');
  if (local) *local = tab == std::string_view::npos ? "" : line.substr(0, tab);
  std::string answer(tab == std::string_view::npos ? line : line.substr(tab + 1));
  const uint32_t redials = take_redials(answer);
  // "ok <status>" with an HTTP status is the protocol's own: the status decides (ok for 200,
  // else http:<status>, e.g. nginx's 400 without a certificate), not the program's rules.
  // (The gRPC adapters' "ok <grpc code>" goes to their rules.)
  const std::string status = answer.starts_with("ok ") ? answer.substr(3) : "";
  Outcome out = is_http_status(status) && status != "200"
                    ? http_status_outcome(status, answer)
                    : classify_external(def.rules, {0, answer});
  out.redials = redials;
  return out;
}

namespace {

// One line per request: "<local address of the connection it used, or ->\t[redials=N\t]<ok N |
// error TEXT>". A request that does not answer within its bound is `timeout`: the process is
// killed and a new one runs the requests that are left.
void run_line_protocol(const ExternalSetup& s, uint64_t count, const ResultSink& sink) {
  uint64_t answered = 0;
  auto on_line = [&](const std::string& line) {
    if (answered == count) return false;  // more than asked: not an answer, no more time
    ClientResult r;
    std::string local;
    r.outcome = classify_answer_line(*s.def, line, &local);
    if (s.def->local_address == ClientDefinition::LocalAddress::kLine) {
      r.key = key_from_local(local, s.server);
    }
    ++answered;
    sink(std::move(r));
    return true;
  };
  // A second on top of the request's bound, so that a program's own timeout (which an adapter
  // reports at about the same bound) is normally the one that answers.
  const auto per_line = s.timeout + std::chrono::seconds(1);
  while (answered < count) {
    const ProcessResult p = run_process(external_argv(s, count - answered),
                                        per_line + s.def->startup, on_line, per_line, s.def->paced);
    if (p.interrupted) return;
    if (answered == count) return;
    if (p.timed_out) {
      // The request in flight hung; the program is gone, so the next ones get a new process.
      ClientResult r;
      r.outcome = timeout_outcome("");
      r.outcome.raw = failure_text(s, p);
      ++answered;
      sink(std::move(r));
      continue;
    }
    // It stopped early on its own: what it said is the answer of every request left (no
    // restart: a program that cannot run would only fail again).
    for (; answered < count; ++answered) {
      sink({other_outcome("", failure_text(s, p)), std::nullopt});
    }
  }
}

}  // namespace

std::vector<std::string> external_argv(const ExternalSetup& setup, uint64_t count) {
  std::vector<std::string> argv;
  for (const std::string& w : setup.def->argv) argv.push_back(expand(setup, w, count));
  if (!setup.cert.empty()) {
    for (const std::string& w : setup.def->cert_argv) argv.push_back(expand(setup, w, count));
  }
  if (setup.slow_request.count() > 0) {
    for (const std::string& w : setup.def->slow_request_argv) {
      argv.push_back(expand(setup, w, count));
    }
  }
  return argv;
}

void run_external(const ExternalSetup& setup, uint64_t count, const ResultSink& sink) {
  if (setup.def->answers == ClientDefinition::Answers::kLines) {
    return run_line_protocol(setup, count, sink);
  }
  run_one_request(setup, external_argv(setup, count), sink);
}

std::string program_override_variable(const ClientDefinition& def) {
  std::string var = "H2RACE_";
  for (char c : def.name) {
    var +=
        c == '-' || c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return var;
}

std::optional<std::filesystem::path> find_external_program(const ClientDefinition& def) {
  if (const char* env = std::getenv(program_override_variable(def).c_str()); env && *env) {
    return find_program(env);
  }
  ExternalSetup fill;
  fill.def = &def;
  return find_built_program(expand(fill, def.program, 1));
}

std::string external_program_version(const ClientDefinition& def,
                                     const std::filesystem::path& program) {
  if (def.version_argv.empty()) return "";
  ExternalSetup fill;
  fill.def = &def;
  fill.program = program;
  std::vector<std::string> argv;
  for (const std::string& w : def.version_argv) argv.push_back(expand(fill, w, 1));
  try {
    const ProcessResult r = run_process(argv, std::chrono::seconds(5));
    if (r.exit_code != 0) return "";
    std::string first = r.out.substr(0, r.out.find('\n'));
    while (!first.empty() && std::isspace(static_cast<unsigned char>(first.back()))) {
      first.pop_back();
    }
    return first;
  } catch (const std::runtime_error&) {
    return "";
  }
}

std::optional<std::pair<std::string, std::string>> missing_need(const ClientDefinition& def) {
  ExternalSetup fill;
  fill.def = &def;
  for (const auto& [package, path] : def.needs) {
    const std::string file = expand(fill, path, 1);
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return std::pair{package, file};
  }
  return std::nullopt;
}

}  // namespace h2race
