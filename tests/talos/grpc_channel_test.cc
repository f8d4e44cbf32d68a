// normalize_endpoint: talosconfig endpoints come with or without a port (50000 by default).
#include "talos/grpc_channel.h"

#include <gtest/gtest.h>

namespace {

std::string normalized(const std::string& endpoint) {
  auto result = talos::normalize_endpoint(endpoint);
  return result.ok() ? *result : "error: " + result.error().message;
}

TEST(TalosEndpoint, AddsTheDefaultPort) {
  EXPECT_EQ(normalized("127.10.0.5"), "127.10.0.5:50000");
  EXPECT_EQ(normalized("cp-1.example"), "cp-1.example:50000");
}

TEST(TalosEndpoint, KeepsAnExplicitPort) {
  EXPECT_EQ(normalized("127.10.0.5:6000"), "127.10.0.5:6000");
}

TEST(TalosEndpoint, BracketsIpv6) {
  EXPECT_EQ(normalized("fd00::5"), "[fd00::5]:50000");
  EXPECT_EQ(normalized("[fd00::5]"), "[fd00::5]:50000");
  EXPECT_EQ(normalized("[fd00::5]:7000"), "[fd00::5]:7000");
}

TEST(TalosEndpoint, RefusesBadPortsAndEmptyHosts) {
  EXPECT_EQ(normalized("127.10.0.5:0"), "error: Talos endpoint '127.10.0.5:0' has an invalid port");
  EXPECT_EQ(normalized("127.10.0.5:x"), "error: Talos endpoint '127.10.0.5:x' has an invalid port");
  EXPECT_EQ(normalized(""), "error: Talos endpoint '' has no host");
  EXPECT_EQ(normalized(":50000"), "error: Talos endpoint ':50000' has no host");
}

}  // namespace
