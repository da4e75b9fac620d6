#include "core/printable.h"

#include <gtest/gtest.h>

#include <string>

namespace h2race {
namespace {

TEST(Printable, ValidTextComesBackUnchanged) {
  EXPECT_EQ(printable("remote error: tls: certificate required"),
            "remote error: tls: certificate required");
  EXPECT_EQ(printable("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80");
}

TEST(Printable, ControlCharactersAndInvalidBytesBecomeTheReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(printable("a\tb\nc\rd"), "a b c d");
  EXPECT_EQ(printable(std::string("\x1B[31m\x07\0\x7F", 8)), r + "[31m" + r + r + r);
  EXPECT_EQ(printable("\xC2\x9B"), r);              // C1 control (CSI)
  EXPECT_EQ(printable("\xFF\xFE"), r + r);          // not UTF-8
  EXPECT_EQ(printable("\xC0\xAF"), r + r);          // overlong '/'
  EXPECT_EQ(printable("\xED\xA0\x80"), r + r + r);  // a surrogate
  EXPECT_EQ(printable("caf\xC3"), "caf" + r);       // cut inside a character
}

TEST(Printable, ACutFallsOnACharacterBoundaryAndIsStableWhenRepeated) {
  EXPECT_EQ(printable("abcdefgh", 6), "abc...");
  EXPECT_EQ(printable("\xC3\xA9\xC3\xA9\xC3\xA9", 6), "\xC3\xA9\xC3\xA9\xC3\xA9");  // fits
  EXPECT_EQ(printable("\xC3\xA9\xC3\xA9\xC3\xA9x", 6), "\xC3\xA9...");
  // Every length and alignment: cutting a cut text again changes nothing (a histogram file's
  // examples are made printable again when read; the fuzzer found "...." once).
  for (size_t pre = 0; pre < 3; ++pre) {
    for (size_t n = 150; n < 180; ++n) {
      std::string s(pre, 'a');
      for (size_t i = 0; i < n; ++i) s += "\xFF";
      const std::string once = printable(s, 500);
      EXPECT_LE(once.size(), 500u);
      EXPECT_EQ(printable(once, 500), once) << pre << " " << n;
    }
  }
}

// A real Go client's EPIPE and ECONNRESET examples differ only at their end, after the address.
TEST(Printable, ElidingTheMiddleKeepsTheEndThatNamesTheError) {
  const std::string epipe = "write tcp 127.0.0.1:57270->127.0.0.1:35175: write: broken pipe";
  EXPECT_EQ(elide_middle(epipe, 90), epipe);  // fits: unchanged
  const std::string cut = elide_middle(epipe, 40);
  EXPECT_LE(cut.size(), 40u);
  EXPECT_TRUE(cut.starts_with("write tcp")) << cut;
  EXPECT_TRUE(cut.ends_with("write: broken pipe")) << cut;
  EXPECT_NE(cut.find("..."), std::string::npos) << cut;
  // Never inside a UTF-8 character, at either cut.
  std::string wide;
  for (int i = 0; i < 40; ++i) wide += "\xC3\xA9";
  for (size_t max = 4; max < 30; ++max) {
    const std::string e = elide_middle(wide, max);
    EXPECT_LE(e.size(), max);
    EXPECT_EQ(printable(e), e) << max;
  }
}

}  // namespace
}  // namespace h2race
