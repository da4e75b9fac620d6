// Text that came from outside h2race (a program's answers and stderr, a histogram file's examples)
// made safe for every place it is shown: the terminal table, JSON (which must be UTF-8),
// Markdown and SVG (XML allows no control characters, escaped or not).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace h2race {

// The longest example text kept and shown per class or event (a program may print megabytes).
inline constexpr size_t kMaxExampleBytes = 500;

// s on one line: tab, CR and LF as spaces, every other control character (C0, DEL, C1: ESC, BEL,
// NUL...) and every byte sequence that is not UTF-8 replaced by U+FFFD, cut to at most max_bytes
// on a character boundary (then ending in "..."). Valid printable text comes back unchanged.
std::string printable(std::string_view s, size_t max_bytes = std::string_view::npos);

// Printable text s cut to at most max_bytes by leaving out its middle ("..."), on character
// boundaries: a third of the room for its start, the rest for its end. A program's error text
// ends in what tells one error from another ("write: broken pipe" after a long address), so a
// table that shows a short example keeps the end.
std::string elide_middle(std::string_view s, size_t max_bytes);

}  // namespace h2race
