// talosconfig files as talosctl writes and reads them.
#include "secrets/talosconfig.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "secrets/base64.h"

namespace secrets {
namespace {

const std::string kCa = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
const std::string kCrt = "-----BEGIN CERTIFICATE-----\nQ1JU\n-----END CERTIFICATE-----\n";
const std::string kKey =
    "-----BEGIN ED25519 PRIVATE KEY-----\nS0VZ\n-----END ED25519 PRIVATE KEY-----\n";

TEST(Talosconfig, RendersGenConfigLayoutWithEmptyEndpoints) {
  const Secret text = render_talosconfig("home", {}, {}, kCa, kCrt, Secret(kKey));
  EXPECT_EQ(text.reveal(),
            "context: home\n"
            "contexts:\n"
            "    home:\n"
            "        endpoints: []\n"
            "        ca: " +
                base64_encode(kCa) +
                "\n"
                "        crt: " +
                base64_encode(kCrt) +
                "\n"
                "        key: " +
                base64_encode(kKey) + "\n");
}

TEST(Talosconfig, RendersEndpointsAndNodesAsBlockLists) {
  const Secret text = render_talosconfig("lab", {"127.10.0.2", "127.10.0.3:50000"}, {"127.10.0.4"}, kCa,
                                         kCrt, Secret(kKey));
  EXPECT_THAT(text.reveal(), ::testing::StartsWith("context: lab\n"
                                                   "contexts:\n"
                                                   "    lab:\n"
                                                   "        endpoints:\n"
                                                   "            - 127.10.0.2\n"
                                                   "            - 127.10.0.3:50000\n"
                                                   "        nodes:\n"
                                                   "            - 127.10.0.4\n"
                                                   "        ca: "));
}

TEST(Talosconfig, WritesContextsInYamlMapOrderAndOmitsEmptyCredentials) {
  Talosconfig config;
  config.context = "b";
  config.contexts.push_back({"b", {}, {}, "", "", Secret()});
  config.contexts.push_back({"a10", {"x"}, {}, "", "", Secret()});
  config.contexts.push_back({"a9", {}, {}, "", "", Secret()});
  EXPECT_EQ(render_talosconfig(config).reveal(),
            "context: b\n"
            "contexts:\n"
            "    a9:\n"
            "        endpoints: []\n"
            "    a10:\n"
            "        endpoints:\n"
            "            - x\n"
            "    b:\n"
            "        endpoints: []\n");
}

TEST(Talosconfig, ParsesWhatItRenders) {
  const Secret text =
      render_talosconfig("home", {"127.10.0.2"}, {"127.10.0.3"}, kCa, kCrt, Secret(kKey));
  util::Result<Talosconfig> config = parse_talosconfig(text.reveal(), "talosconfig");
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->context, "home");
  ASSERT_EQ(config->contexts.size(), 1u);
  const TalosconfigContext* c = config->current();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "home");
  EXPECT_EQ(c->endpoints, std::vector<std::string>{"127.10.0.2"});
  EXPECT_EQ(c->nodes, std::vector<std::string>{"127.10.0.3"});
  EXPECT_EQ(c->ca, kCa);
  EXPECT_EQ(c->crt, kCrt);
  EXPECT_EQ(c->key.reveal(), kKey);
  EXPECT_EQ(render_talosconfig(*config).reveal(), text.reveal());
}

TEST(Talosconfig, FoldsTheLegacyTargetIntoEndpoints) {
  util::Result<Talosconfig> config =
      parse_talosconfig("context: old\ncontexts:\n  old:\n    target: 127.10.0.9\n", "tc");
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->contexts.at(0).endpoints, std::vector<std::string>{"127.10.0.9"});
  EXPECT_EQ(config->contexts.at(0).key.reveal(), "");
}

TEST(Talosconfig, NamesTheBrokenFieldWithoutQuotingIt) {
  util::Result<Talosconfig> config = parse_talosconfig(
      "context: home\ncontexts:\n  home:\n    endpoints: []\n    key: s3cr3t*value\n", "tc");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, "tc: contexts.home.key: not valid base64");
  config = parse_talosconfig("context: home\ncontexts:\n  home:\n    endpoints: 127.10.0.1\n", "tc");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, "tc: contexts.home.endpoints: expected a list");
}

TEST(Talosconfig, CurrentIsNullWhenTheContextIsUndefined) {
  util::Result<Talosconfig> config = parse_talosconfig("context: gone\ncontexts: {}\n", "tc");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->current(), nullptr);
}

}  // namespace
}  // namespace secrets
