#include "core/printable.h"

#include <algorithm>
#include <cstdint>

namespace h2race {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kCut = "...";

// The length of the UTF-8 character at the start of s and its code point, or 0 when the bytes
// there are not one (overlong forms, surrogates and values past U+10FFFF included).
size_t utf8_char(std::string_view s, uint32_t& cp) {
  const auto b0 = static_cast<uint8_t>(s[0]);
  size_t len;
  uint32_t min;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    const auto b = static_cast<uint8_t>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_control(uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

}  // namespace

std::string printable(std::string_view s, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  // Converted until past max_bytes at most (a program may print megabytes).
  while (!s.empty() && out.size() <= max_bytes) {
    uint32_t cp = 0;
    const size_t len = utf8_char(s, cp);
    if (len == 1 && (cp == '\t' || cp == '\n' || cp == '\r')) {
      out += ' ';
    } else if (len > 0 && !is_control(cp)) {
      out += s.substr(0, len);
    } else {
      out += kReplacement;
    }
    s.remove_prefix(std::max<size_t>(len, 1));  // a bad byte is one replacement
  }
  if (s.empty() && out.size() <= max_bytes) return out;  // so a cut text comes back unchanged
  // Cut on a character boundary (never inside a UTF-8 sequence), room left for "...".
  size_t end = max_bytes - std::min(max_bytes, kCut.size());
  while (end > 0 && (static_cast<uint8_t>(out[end]) & 0xC0) == 0x80) --end;
  out.resize(end);
  return out + std::string(kCut.substr(0, std::min(max_bytes, kCut.size())));
}

std::string elide_middle(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  if (max_bytes <= kCut.size()) return printable(s, max_bytes);
  auto continues = [&](size_t i) { return (static_cast<uint8_t>(s[i]) & 0xC0) == 0x80; };
  const size_t room = max_bytes - kCut.size();
  size_t head = room / 3;
  while (head > 0 && continues(head)) --head;
  size_t tail = s.size() - (room - room / 3);
  while (tail < s.size() && continues(tail)) ++tail;
  return std::string(s.substr(0, head)) + std::string(kCut) + std::string(s.substr(tail));
}

}  // namespace h2race
