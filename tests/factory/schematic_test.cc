#include "factory/schematic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace factory {
namespace {

TEST(SchematicId, VanillaSchematicHasTheRealFactoryId) {
  EXPECT_EQ(schematic_id(Schematic{}),
            "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba");
  auto parsed = parse_schematic("customization: {}\n", "s.yaml");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(schematic_id(*parsed),
            "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba");
}

TEST(SchematicId, GuestAgentSchematicHasTheProxmoxGuideId) {
  EXPECT_EQ(schematic_id(make_schematic({"siderolabs/qemu-guest-agent"}, {})),
            "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515");
  auto parsed = parse_schematic(
      "customization:\n  systemExtensions:\n    officialExtensions: "
      "[siderolabs/qemu-guest-agent]\n",
      "s.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  EXPECT_EQ(schematic_id(*parsed),
            "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515");
}

TEST(SchematicCanonical, OrdersSectionsAndDropsEmptyOnes) {
  auto parsed = parse_schematic(R"(customization:
  systemExtensions:
    officialExtensions: [siderolabs/iscsi-tools]
  meta: [{value: "x", key: 0xa}]
  extraKernelArgs: [console=ttyS0]
overlay: {name: rpi_generic, image: siderolabs/sbc-raspberrypi}
)",
                                "s.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  EXPECT_EQ(canonical_yaml(*parsed),
            "overlay:\n    image: siderolabs/sbc-raspberrypi\n    name: rpi_generic\n"
            "customization:\n    extraKernelArgs:\n        - console=ttyS0\n    meta:\n"
            "        - key: 10\n          value: x\n    systemExtensions:\n"
            "        officialExtensions:\n            - siderolabs/iscsi-tools\n");
}

TEST(SchematicParse, RejectsUnknownFields) {
  auto parsed = parse_schematic("customization:\n  systemExtension: {}\n", "s.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().describe(),
              ::testing::HasSubstr("s.yaml: unknown field \"systemExtension\" in customization"));
}

TEST(MakeSchematic, SortsAndDeduplicatesExtensions) {
  Schematic s = make_schematic(
      {"siderolabs/qemu-guest-agent", "siderolabs/iscsi-tools", "siderolabs/qemu-guest-agent"}, {});
  EXPECT_EQ(s.official_extensions,
            (std::vector<std::string>{"siderolabs/iscsi-tools", "siderolabs/qemu-guest-agent"}));
}

}  // namespace
}  // namespace factory
