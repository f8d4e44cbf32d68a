#include "secrets/random.h"

#include <regex>

#include <gtest/gtest.h>

#include "support.h"

namespace secrets {
namespace {

using testing_support::ScriptedRandom;

TEST(RandomToken, MapsBytesOntoDigitsAndLowercaseDiscardingBytesFrom252) {
  // 252..255 are skipped; b % 36 picks the character.
  ScriptedRandom rng({0, 252, 1, 35, 255, 36, 71, 10, 253, 251, 0,  1,  2,
                      3, 4,   5, 6,  7,   8,  9,  10, 11,  12,  13, 14, 15});
  util::Result<std::string> token = random_token(rng);
  ASSERT_TRUE(token.ok()) << token.error().describe();
  EXPECT_EQ(*token, "01z0za.z0123456789abcde");
}

TEST(RandomToken, SystemTokensHaveTheKubeadmShape) {
  for (int i = 0; i < 20; ++i) {
    util::Result<std::string> token = random_token(system_random());
    ASSERT_TRUE(token.ok());
    EXPECT_TRUE(std::regex_match(*token, std::regex("^[0-9a-z]{6}\\.[0-9a-z]{16}$"))) << *token;
  }
}

TEST(RandomBytes, ReturnsTheRequestedCountOrTheSourceError) {
  ScriptedRandom rng({1, 2, 3});
  util::Result<std::string> two = random_bytes(rng, 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, std::string("\x01\x02", 2));
  util::Result<std::string> more = random_bytes(rng, 2);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().message, "script exhausted");
}

}  // namespace
}  // namespace secrets
