#include "talos/config_document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_paths.h"
#include "util/file.h"

namespace talos {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> golden_files() {
  std::vector<std::string> out;
  for (const char* ver : {"v1.9", "v1.10", "v1.11", "v1.12", "v1.13", "v1.14"}) {
    for (const char* name :
         {"base-controlplane", "base-worker", "overrides-controlplane", "overrides-worker"}) {
      out.push_back(testing_paths::shared(std::string("reference/talos/") + ver + "/gen-config/" +
                                          name + ".yaml"));
    }
  }
  return out;
}

TEST(ConfigDocument, DecodingAndNormalisingGoldenConfigsChangesNothing) {
  for (const std::string& path : golden_files()) {
    const std::string text = *util::read_file(path);
    util::Result<std::vector<Tree>> docs = decode_documents(text, path, DecodeMode::Config);
    ASSERT_TRUE(docs.ok()) << path << ": " << docs.error().describe();
    EXPECT_EQ(util::emit_yaml_stream(*docs), text) << path;
    std::vector<Tree> normalized;
    for (const Tree& d : *docs) {
      util::Result<Tree> n = normalize_document(d);
      ASSERT_TRUE(n.ok()) << n.error().describe();
      normalized.push_back(*n);
    }
    EXPECT_EQ(util::emit_yaml_stream(normalized), text) << path;
  }
}

TEST(ConfigDocument, DecodeRejectsUnknownKeysWithTheirPath) {
  auto docs = decode_documents("version: v1alpha1\nmachine:\n  kubelet:\n    imagee: x\n", "p",
                               DecodeMode::Config);
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.error().describe(),
              HasSubstr("unknown keys found during decoding: machine.kubelet.imagee"));
}

TEST(ConfigDocument, DecodeKeepsStringTextAndTypesBooleans) {
  auto docs = decode_documents(
      "machine:\n  sysctls:\n    b.mode: 0644\n    a.x: true\n  kubelet:\n    "
      "skipNodeRegistration: yes\n",
      "p", DecodeMode::Config);
  ASSERT_TRUE(docs.ok()) << docs.error().describe();
  EXPECT_EQ(util::emit_yaml((*docs)[0]),
            "machine:\n    kubelet:\n        skipNodeRegistration: true\n    sysctls:\n"
            "        a.x: \"true\"\n        b.mode: \"0644\"\n");
}

TEST(ConfigDocument, DecodeRejectsWrongScalarTypes) {
  auto docs = decode_documents("machine:\n  features:\n    kubePrism:\n      port: abc\n", "p",
                               DecodeMode::Config);
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.error().describe(),
              HasSubstr("machine.features.kubePrism.port: line 4: cannot decode \"abc\" into an "
                        "integer"));
}

TEST(ConfigDocument, UnknownDocumentKindIsAnError) {
  auto docs =
      decode_documents("apiVersion: v1alpha1\nkind: NoSuchConfig\n", "p", DecodeMode::Config);
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.error().describe(), HasSubstr("unknown document kind \"NoSuchConfig\""));
}

}  // namespace
}  // namespace talos
