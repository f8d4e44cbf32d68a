#include "secrets/base64.h"

#include <gtest/gtest.h>

namespace secrets {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, UrlAlphabetUsesDashAndUnderscoreAndKeepsPadding) {
  EXPECT_EQ(base64_encode("\xfb\xff", Base64Alphabet::Url), "-_8=");
  EXPECT_EQ(base64_encode("\xfb\xff", Base64Alphabet::Standard), "+/8=");
  EXPECT_EQ(base64_decode("-_8=", Base64Alphabet::Url), "\xfb\xff");
  EXPECT_EQ(base64_decode("-_8=", Base64Alphabet::Standard), std::nullopt);
}

TEST(Base64, DecodesAndSkipsLineBreaksLikeGo) {
  EXPECT_EQ(base64_decode("Zm9v\r\nYmFy\n"), "foobar");
  EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64_decode(""), "");
}

TEST(Base64, RejectsMalformedText) {
  EXPECT_EQ(base64_decode("Zg"), std::nullopt);        // missing padding
  EXPECT_EQ(base64_decode("Zg=a"), std::nullopt);      // data after padding
  EXPECT_EQ(base64_decode("Z==="), std::nullopt);      // too much padding
  EXPECT_EQ(base64_decode("Zg==Zm9v"), std::nullopt);  // padding before the end
  EXPECT_EQ(base64_decode("Zm9v YmFy"), std::nullopt);
  EXPECT_EQ(base64_decode("Zm9*"), std::nullopt);
}

}  // namespace
}  // namespace secrets
