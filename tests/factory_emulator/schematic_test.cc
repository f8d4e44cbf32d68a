#include "emulators/factory/schematic.h"

#include <gtest/gtest.h>

namespace factory_emu {
namespace {

std::string id_of(const std::string& yaml) {
  auto parsed = parse_schematic(yaml);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? schematic_id(*parsed) : "";
}

TEST(FactorySchematic, IdsMatchThePublishedVectors) {
  const std::string vanilla = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";
  EXPECT_EQ(id_of("customization: {}\n"), vanilla);
  EXPECT_EQ(id_of(""), vanilla);
  EXPECT_EQ(id_of("{}"), vanilla);
  EXPECT_EQ(id_of("customization:\n  systemExtensions:\n    officialExtensions:\n"
                  "      - siderolabs/qemu-guest-agent\n"),
            "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515");
  // JSON is accepted too and means the same.
  EXPECT_EQ(id_of(R"({"customization":{"systemExtensions":{"officialExtensions":)"
                  R"(["siderolabs/qemu-guest-agent"]}}})"),
            "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515");
}

TEST(FactorySchematic, CanonicalFormIsFourSpaceYamlInFieldOrder) {
  auto parsed = parse_schematic(
      "customization:\n  systemExtensions:\n    officialExtensions: [siderolabs/iscsi-tools]\n"
      "  meta:\n    - {key: 0xa, value: \"x: y\"}\n  extraKernelArgs: [console=ttyS0, net.ifnames=0]\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(canonical_yaml(*parsed),
            "customization:\n"
            "    extraKernelArgs:\n"
            "        - console=ttyS0\n"
            "        - net.ifnames=0\n"
            "    meta:\n"
            "        - key: 10\n"
            "          value: \"x: y\"\n"
            "    systemExtensions:\n"
            "        officialExtensions:\n"
            "            - siderolabs/iscsi-tools\n");
}

TEST(FactorySchematic, UnknownFieldsAndWrongTypesAreRejected) {
  EXPECT_FALSE(parse_schematic("customisation: {}\n").ok());
  EXPECT_FALSE(parse_schematic("customization:\n  extensions: []\n").ok());
  EXPECT_FALSE(parse_schematic("customization:\n  extraKernelArgs: {a: b}\n").ok());
  EXPECT_FALSE(parse_schematic("customization:\n  meta: [{key: 300, value: x}]\n").ok());
  EXPECT_FALSE(parse_schematic("- a\n- b\n").ok());
  EXPECT_FALSE(parse_schematic("customization: [\n").ok());
  auto unknown = parse_schematic("customisation: {}\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("customisation"), std::string::npos);
}

TEST(FactorySchematic, StringsThatWouldReadAsOtherTypesAreQuoted) {
  Schematic s;
  s.extra_kernel_args = {"true", "123", "-x", "a#b"};
  EXPECT_EQ(canonical_yaml(s),
            "customization:\n    extraKernelArgs:\n        - \"true\"\n        - \"123\"\n"
            "        - \"-x\"\n        - \"a#b\"\n");
}

}  // namespace
}  // namespace factory_emu
