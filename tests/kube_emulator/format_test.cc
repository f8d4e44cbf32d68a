// Pure helpers: Age strings, selectors, Table cells.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "emulators/kube/selector.h"
#include "emulators/kube/table.h"
#include "emulators/kube/time_format.h"

namespace kube_test {
namespace {

using nlohmann::json;
using std::chrono::seconds;

TEST(KubeFormat, HumanDurationMatchesKubectlAges) {
  EXPECT_EQ(kube_emu::human_duration(seconds(45)), "45s");
  EXPECT_EQ(kube_emu::human_duration(seconds(200)), "3m20s");
  EXPECT_EQ(kube_emu::human_duration(seconds(300)), "5m");
  EXPECT_EQ(kube_emu::human_duration(seconds(95 * 60)), "95m");
  EXPECT_EQ(kube_emu::human_duration(seconds(5 * 3600 + 180)), "5h3m");
  EXPECT_EQ(kube_emu::human_duration(seconds(5 * 3600)), "5h");
  EXPECT_EQ(kube_emu::human_duration(seconds(30 * 3600)), "30h");
  EXPECT_EQ(kube_emu::human_duration(seconds(3 * 86400 + 4 * 3600)), "3d4h");
  EXPECT_EQ(kube_emu::human_duration(seconds(693LL * 86400)), "693d");
  EXPECT_EQ(kube_emu::human_duration(seconds((2 * 365 + 15) * 86400LL)), "2y15d");
  EXPECT_EQ(kube_emu::human_duration(seconds(9 * 365 * 86400LL)), "9y");
  EXPECT_EQ(kube_emu::human_duration(seconds(-5)), "0s");
}

TEST(KubeFormat, TimestampsRoundTrip) {
  const auto t = kube_emu::parse_timestamp("2025-01-01T00:00:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(kube_emu::format_timestamp(*t), "2025-01-01T00:00:00Z");
  EXPECT_FALSE(kube_emu::parse_timestamp("yesterday").has_value());
}

TEST(KubeFormat, SelectorsMatchFieldsAndLabels) {
  const json pod = {{"metadata", {{"name", "a"}, {"labels", {{"k8s-app", "kube-dns"}}}}},
                    {"spec", {{"nodeName", "w1"}}}};
  auto s = kube_emu::parse_selector("spec.nodeName=w1", "k8s-app=kube-dns");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->matches(pod));
  s = kube_emu::parse_selector("spec.nodeName!=w1", "");
  EXPECT_FALSE(s->matches(pod));
  s = kube_emu::parse_selector("", "!tier");
  EXPECT_TRUE(s->matches(pod));
  s = kube_emu::parse_selector("", "k8s-app");
  EXPECT_TRUE(s->matches(pod));
  const auto bad = kube_emu::parse_selector("spec.bogus=1", "");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, ::testing::HasSubstr("field label not supported: spec.bogus"));
}

TEST(KubeFormat, NodeTableRendersStatusRolesAndWideColumns) {
  const auto now = *kube_emu::parse_timestamp("2025-01-02T00:00:00Z");
  const json node = {{"metadata",
                      {{"name", "cp1"},
                       {"creationTimestamp", "2025-01-01T00:00:00Z"},
                       {"labels", {{"node-role.kubernetes.io/control-plane", ""}}}}},
                     {"spec", {{"unschedulable", true}}},
                     {"status",
                      {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
                       {"addresses", {{{"type", "InternalIP"}, {"address", "127.10.0.11"}}}},
                       {"nodeInfo",
                        {{"kubeletVersion", "v1.34.1"},
                         {"osImage", "Talos (v1.11.6)"},
                         {"kernelVersion", "6.12.57-talos"},
                         {"containerRuntimeVersion", "containerd://2.1.5"}}}}}};
  const json table =
      kube_emu::render_table("nodes", {node}, 7, now, kube_emu::TableObjects::Metadata);
  EXPECT_EQ(table["rows"][0]["cells"],
            json::array({"cp1", "Ready,SchedulingDisabled", "control-plane", "24h", "v1.34.1",
                         "127.10.0.11", "<none>", "Talos (v1.11.6)", "6.12.57-talos",
                         "containerd://2.1.5"}));
  EXPECT_EQ(table["columnDefinitions"][5]["priority"], 1);
  EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(table["metadata"]["resourceVersion"], "7");
}

}  // namespace
}  // namespace kube_test
