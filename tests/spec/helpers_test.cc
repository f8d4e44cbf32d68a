// The small helpers: IPv4/CIDR parsing and arithmetic, edit distance and suggestions.
#include <gtest/gtest.h>

#include "spec/did_you_mean.h"
#include "spec/ip.h"

namespace spec {
namespace {

TEST(SpecIp, ParsesStrictDottedQuads) {
  EXPECT_EQ(parse_ipv4("127.10.0.11"), (127u << 24) | (10u << 16) | 11u);
  EXPECT_EQ(parse_ipv4("0.0.0.0"), 0u);
  EXPECT_EQ(parse_ipv4("255.255.255.255"), 0xffffffffu);
  for (const char* bad : {"", "127.10.0", "127.10.0.11.1", "127.10.0.256", "127.010.0.1",
                          "127.10.0.-1", "127.10.0.1 ", "::1", "127.10..1", "a.b.c.d"}) {
    EXPECT_FALSE(parse_ipv4(bad).has_value()) << bad;
  }
  EXPECT_EQ(format_ipv4(*parse_ipv4("127.10.0.11")), "127.10.0.11");
}

TEST(SpecIp, ParsesCidrsAndComputesTheirRange) {
  const std::optional<Cidr> c = parse_cidr("127.10.0.5/24");
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->host_bits_set());
  EXPECT_EQ(c->str(), "127.10.0.0/24");
  EXPECT_EQ(format_ipv4(c->broadcast()), "127.10.0.255");
  EXPECT_TRUE(c->contains(*parse_ipv4("127.10.0.254")));
  EXPECT_FALSE(c->contains(*parse_ipv4("127.10.1.0")));
  EXPECT_EQ(parse_cidr("0.0.0.0/0")->mask(), 0u);
  EXPECT_EQ(parse_cidr("127.0.0.1/32")->mask(), 0xffffffffu);
  for (const char* bad : {"127.10.0.0", "127.10.0.0/", "127.10.0.0/33", "127.10.0.0/024",
                          "127.10.0.0/-1", "127.10.0/24"}) {
    EXPECT_FALSE(parse_cidr(bad).has_value()) << bad;
  }
}

TEST(SpecIp, DetectsOverlapInBothDirections) {
  const Cidr wide = *parse_cidr("127.20.0.0/16");
  const Cidr inner = *parse_cidr("127.20.128.0/17");
  const Cidr other = *parse_cidr("127.21.0.0/16");
  EXPECT_TRUE(wide.overlaps(inner));
  EXPECT_TRUE(inner.overlaps(wide));
  EXPECT_FALSE(wide.overlaps(other));
  EXPECT_TRUE(parse_cidr("0.0.0.0/0")->overlaps(other));
}

TEST(SpecDidYouMean, MeasuresEditsIgnoringCase) {
  EXPECT_EQ(edit_distance("talosVersion", "talosversion"), 0);
  EXPECT_EQ(edit_distance("talosVerison", "talosVersion"), 1);  // transposition
  EXPECT_EQ(edit_distance("adress", "address"), 1);
  EXPECT_EQ(edit_distance("", "abc"), 3);
}

TEST(SpecDidYouMean, SuggestsOnlyPlausibleTypos) {
  const std::string_view keys[] = {"name", "role", "address", "pveNode", "vmid"};
  EXPECT_EQ(did_you_mean("adress", keys), "address");
  EXPECT_EQ(did_you_mean("PVENODE", keys), "pveNode");
  EXPECT_EQ(did_you_mean("nmae", keys), "name");
  EXPECT_FALSE(did_you_mean("hostname", keys).has_value());
  EXPECT_FALSE(did_you_mean("x", keys).has_value());
}

}  // namespace
}  // namespace spec
