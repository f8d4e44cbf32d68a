#include "util/yaml_emit.h"

#include <gtest/gtest.h>

#include "test_paths.h"
#include "util/file.h"
#include "util/yaml_load.h"

namespace util {
namespace {

TEST(YamlEmit, RoundTripsEveryGoldenTalosConfigByteForByte) {
  for (const char* ver : {"v1.9", "v1.10", "v1.11", "v1.12", "v1.13", "v1.14"}) {
    for (const char* name :
         {"base-controlplane", "base-worker", "overrides-controlplane", "overrides-worker"}) {
      const std::string path = testing_paths::shared(std::string("reference/talos/") + ver +
                                                     "/gen-config/" + name + ".yaml");
      Result<std::string> text = read_file(path);
      ASSERT_TRUE(text.ok()) << path;
      Result<std::vector<Tree>> docs = load_yaml_stream(*text, path);
      ASSERT_TRUE(docs.ok()) << docs.error().describe();
      EXPECT_EQ(emit_yaml_stream(*docs), *text) << path;
    }
  }
}

TEST(YamlEmit, QuotesStringsThatWouldReadBackAsOtherTypes) {
  Tree doc = Tree::object();
  doc["empty"] = "";
  doc["bool"] = "true";
  doc["oldbool"] = "yes";
  doc["int"] = "65535";
  doc["float"] = "1.5";
  doc["null"] = "null";
  doc["date"] = "2024-01-02";
  doc["plain"] = "https://base:6443";
  doc["star"] = "*";
  doc["colon"] = "a: b";
  doc["hash"] = "a #b";
  doc["lead"] = " x";
  doc["quote"] = "it's";
  EXPECT_EQ(emit_yaml(doc),
            "empty: \"\"\nbool: \"true\"\noldbool: \"yes\"\nint: \"65535\"\nfloat: \"1.5\"\n"
            "\"null\": \"null\"\ndate: \"2024-01-02\"\nplain: https://base:6443\nstar: '*'\n"
            "colon: 'a: b'\nhash: 'a #b'\nlead: ' x'\nquote: it's\n");
}

TEST(YamlEmit, WritesMultiLineStringsAsLiteralBlocksWithChomping) {
  Tree doc = Tree::object();
  Tree item = Tree::object();
  item["name"] = "cilium";
  item["contents"] = "a: 1\n\nb: 2\n";
  doc["inlineManifests"] = Tree::array({item});
  doc["strip"] = "x\ny";
  doc["keep"] = "x\n\n";
  EXPECT_EQ(
      emit_yaml(doc),
      "inlineManifests:\n    - name: cilium\n      contents: |\n        a: 1\n\n        b: 2\n"
      "strip: |-\n    x\n    y\nkeep: |+\n    x\n\n");
}

TEST(YamlEmit, DoubleQuotesStringsWithTrailingSpaceBeforeBreak) {
  Tree doc = Tree::object();
  doc["k"] = "a \nb";
  EXPECT_EQ(emit_yaml(doc), "k: \"a \\nb\"\n");
}

}  // namespace
}  // namespace util
