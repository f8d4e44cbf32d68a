// engine::talos_target / connect_options: a talosconfig context (or the bundle) → what the Talos
// client dials with.
#include "engine/talos_connect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "secrets/bundle.h"
#include "talos/x509_info.h"
#include "test_paths.h"

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

secrets::Talosconfig two_contexts() {
  secrets::Talosconfig config;
  config.context = "b";
  config.contexts.push_back({"a", {"127.0.0.1"}, {}, "CA-A", "CRT-A", secrets::Secret("KEY-A")});
  config.contexts.push_back({"b",
                             {"127.0.0.2", "127.0.0.3:50001"},
                             {"127.0.0.4"},
                             "CA-B",
                             "CRT-B",
                             secrets::Secret("KEY-B")});
  return config;
}

TEST(TalosConnect, TakesTheCurrentContextByDefault) {
  auto target = engine::talos_target(two_contexts());
  ASSERT_TRUE(target.ok()) << target.error().describe();
  EXPECT_EQ(target->context, "b");
  EXPECT_THAT(target->endpoints, ElementsAre("127.0.0.2", "127.0.0.3:50001"));
  EXPECT_THAT(target->nodes, ElementsAre("127.0.0.4"));
  EXPECT_EQ(target->credentials.ca_pem, "CA-B");
  EXPECT_EQ(target->credentials.key_pem, "KEY-B");
  const talos::ConnectOptions o = engine::connect_options(*target, "127.0.0.3:50001", "127.0.0.4");
  EXPECT_EQ(o.endpoint, "127.0.0.3:50001");
  EXPECT_EQ(o.node, "127.0.0.4");
  EXPECT_EQ(o.mode, talos::ConnectMode::Secure);
  EXPECT_EQ(o.credentials.crt_pem, "CRT-B");
}

TEST(TalosConnect, NamedContext) {
  auto target = engine::talos_target(two_contexts(), "a");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->credentials.crt_pem, "CRT-A");
}

TEST(TalosConnect, MissingContextEndpointsOrKeyAreNamed) {
  auto missing = engine::talos_target(two_contexts(), "c");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("no context 'c'"));

  secrets::Talosconfig no_endpoints = two_contexts();
  no_endpoints.contexts[1].endpoints.clear();
  auto e = engine::talos_target(no_endpoints);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.error().message, HasSubstr("'b' lists no endpoints"));

  secrets::Talosconfig no_key = two_contexts();
  no_key.contexts[1].key = secrets::Secret();
  auto k = engine::talos_target(no_key);
  ASSERT_FALSE(k.ok());
  EXPECT_THAT(k.error().message, HasSubstr("lacks its ca, crt or key"));
  EXPECT_THAT(k.error().describe(), ::testing::Not(HasSubstr("KEY-")));
}

TEST(TalosConnect, FromTheBundleIssuesACertificateWithTheRole) {
  auto bundle =
      secrets::load_bundle(testing_paths::shared("reference/talos/gen-config-inputs/secrets.yaml"));
  ASSERT_TRUE(bundle.ok());
  auto target = engine::talos_target_from_bundle(*bundle, "lab", {"127.0.0.11"},
                                                 {"127.0.0.11", "127.0.0.21"}, "os:operator");
  ASSERT_TRUE(target.ok()) << target.error().describe();
  EXPECT_THAT(*talos::certificate_organizations(target->credentials.crt_pem),
              ElementsAre("os:operator"));
  EXPECT_EQ(target->credentials.ca_pem,
            secrets::decode_cert_and_key(bundle->certs.os, "certs.os")->crt);
  EXPECT_THAT(target->credentials.key_pem, HasSubstr("PRIVATE KEY"));
}

}  // namespace
