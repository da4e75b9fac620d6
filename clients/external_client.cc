#include "clients/external_client.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <optional>
#include <vector>

#include "clients/subprocess.h"
#include "core/external_rules.h"
#include "core/truth_table.h"

namespace h2race {
namespace {

// "127.0.0.1:40312", "[::1]:40312" or "127.0.0.1 40312" (curl's -w output) as a socket address.
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

std::string seconds(std::chrono::milliseconds ms) {
  return fmt::format("{:.3f}", std::chrono::duration<double>(ms).count());
}

// What a program that died or hung left us, as the text of the requests it never answered.
std::string failure_text(const ExternalSetup& s, const ProcessResult& p) {
  std::string why = p.timed_out     ? "did not finish in time"
                    : p.term_signal ? fmt::format("was killed by signal {}", p.term_signal)
                                    : fmt::format("exited {} before answering", p.exit_code);
  std::string err = p.err.substr(0, 500);
  for (char& c : err) c = c == '\n' ? ' ' : c;
  return fmt::format("{} {}: {}", s.def->program, why, err);
}

std::vector<std::string> curl_argv(const ExternalSetup& s, uint64_t) {
  std::vector<std::string> argv{s.program.string(),
                                "-sS",
                                s.proto == Proto::kH2 ? "--http2" : "--http1.1",
                                "--cacert",
                                s.ca.string(),
                                "--max-time",
                                seconds(s.timeout),
                                "-o",
                                "/dev/null",
                                "-w",
                                "%{local_ip} %{local_port}"};
  if (!s.cert.empty()) {
    for (const std::string& a :
         {std::string("--cert"), s.cert.string(), std::string("--key"), s.key.string()}) {
      argv.push_back(a);
    }
  }
  argv.push_back(s.url);
  return argv;
}

std::vector<std::string> nghttp_argv(const ExternalSetup& s, uint64_t) {
  // nghttp checks no CA (it only warns, and -y silences that), so there is nothing to pass.
  std::vector<std::string> argv{s.program.string(), "-y",
                                fmt::format("--timeout={}ms", s.timeout.count())};
  if (!s.cert.empty()) {
    argv.push_back("--cert=" + s.cert.string());
    argv.push_back("--key=" + s.key.string());
  }
  argv.push_back(s.url);
  return argv;
}

// curl and nghttp: one request per process; exit code and stderr are the answer, and curl's
// stdout (-w) is its connection's local address.
void run_one_request(const ExternalSetup& s, const std::vector<std::string>& argv,
                     const ResultSink& sink) {
  const ProcessResult p = run_process(argv, s.timeout + std::chrono::seconds(2));
  if (p.interrupted) return;
  ClientResult r;
  r.outcome = p.timed_out || p.term_signal ? other_outcome("", failure_text(s, p))
                                           : classify_external(s.client, {p.exit_code, p.err});
  if (s.def->reports_local_address) r.key = key_from_local(p.out, s.server);
  sink(std::move(r));
}

std::vector<std::string> go_net_http_argv(const ExternalSetup& s, uint64_t count) {
  std::vector<std::string> argv{s.program.string(),
                                "-url",
                                s.url,
                                "-ca",
                                s.ca,
                                "-n",
                                std::to_string(count),
                                "-proto",
                                std::string(name(s.proto)),
                                "-timeout",
                                fmt::format("{}ms", s.timeout.count())};
  if (!s.cert.empty()) {
    for (const std::string& a :
         {std::string("-cert"), s.cert.string(), std::string("-key"), s.key.string()}) {
      argv.push_back(a);
    }
  }
  return argv;
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

// One line per request: "<local address of the connection it used, or ->\t[redials=N\t]<ok N |
// error TEXT>".
void run_line_protocol(const ExternalSetup& s, const std::vector<std::string>& argv, uint64_t count,
                       const ResultSink& sink) {
  uint64_t answered = 0;
  auto on_line = [&](const std::string& line) {
    ClientResult r;
    const size_t tab = line.find('\t');
    const std::string local = tab == std::string::npos ? "" : line.substr(0, tab);
    std::string answer = tab == std::string::npos ? line : line.substr(tab + 1);
    const uint32_t redials = take_redials(answer);
    r.outcome = classify_external(s.client, {0, answer});
    r.outcome.redials = redials;
    r.key = key_from_local(local, s.server);
    ++answered;
    sink(std::move(r));
  };
  const auto bound = s.timeout * static_cast<int64_t>(count) + std::chrono::seconds(2);
  const ProcessResult p = run_process(argv, bound, on_line);
  if (p.interrupted) return;
  for (; answered < count; ++answered) sink({other_outcome("", failure_text(s, p)), std::nullopt});
}

}  // namespace

const ExternalProgram kCurlProgram{"curl", "curl", 1, true, false, false, curl_argv};
// nghttp does not tell its local address: it runs alone, paired with the server's sole record.
const ExternalProgram kNghttpProgram{"nghttp", "nghttp2-client", 1, false, false,
                                     false,    nghttp_argv};
const ExternalProgram kGoNetHttpProgram{"go-net-http", "golang-1.19-go", 200, true, true,
                                        true,          go_net_http_argv};

void run_external(const ExternalSetup& setup, uint64_t count, const ResultSink& sink) {
  const auto argv = setup.def->argv(setup, count);
  if (setup.def->line_protocol) return run_line_protocol(setup, argv, count, sink);
  run_one_request(setup, argv, sink);
}

std::optional<std::filesystem::path> find_external_program(const ExternalProgram& def) {
  const std::string program(def.program);
  if (def.built_by_h2race) {
    if (const char* env = std::getenv("H2RACE_GO_NET_HTTP"); env && *env) return find_program(env);
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      for (const auto& dir : {self.parent_path(), self.parent_path().parent_path()}) {
        if (auto p = find_program((dir / program).string())) return p;
      }
    }
  }
  return find_program(program);
}

}  // namespace h2race
