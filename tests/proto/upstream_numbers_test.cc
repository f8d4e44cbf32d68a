// Every field number, name, type and label, enum value and RPC shape of talforge's proto/ that
// also exists in the real Talos and COSI definitions, checked against the facts listed in
// talos_upstream_numbers.txt (extracted from descriptors compiled from the upstream .proto files).
#include <fstream>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include "support.h"

namespace {

namespace gpb = google::protobuf;

struct Fact {
  std::string kind;   // "field", "enum" or "rpc"
  std::string owner;  // message, enum or "/<service>/<method>"
  std::string value;  // describe() text, NAME=number, or "request -> stream response"
};

std::vector<Fact> upstream_facts() {
  std::ifstream in(TALFORGE_SOURCE_DIR "/tests/proto/talos_upstream_numbers.txt");
  std::vector<Fact> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const auto space = line.find(' ');
    const auto bar = line.find(" | ");
    out.push_back(
        {line.substr(0, space), line.substr(space + 1, bar - space - 1), line.substr(bar + 3)});
  }
  return out;
}

std::string field_name(const std::string& described) {
  // "[oneof x: ]<number> <name> <type…>"
  std::string rest = described;
  if (rest.rfind("oneof ", 0) == 0) {
    rest = rest.substr(rest.find(": ") + 2);
  }
  rest = rest.substr(rest.find(' ') + 1);
  return rest.substr(0, rest.find(' '));
}

std::string describe_rpc(const gpb::MethodDescriptor& m) {
  return std::string(m.client_streaming() ? "stream " : "") + m.input_type()->full_name() + " -> " +
         (m.server_streaming() ? "stream " : "") + m.output_type()->full_name();
}

const gpb::DescriptorPool& pool() {
  proto_support::talforge_files();  // links every generated file into the pool
  return *gpb::DescriptorPool::generated_pool();
}

TEST(ProtoUpstream, FactsFileCoversTheIssueMessages) {
  const std::vector<Fact> facts = upstream_facts();
  ASSERT_GT(facts.size(), 600u);
  int image = 0, system_information = 0, health = 0, watch = 0;
  for (const Fact& f : facts) {
    image += f.owner.rfind("machine.ImageServicePull", 0) == 0;
    system_information += f.owner == "talos.resource.definitions.hardware.SystemInformationSpec";
    health += f.owner.rfind("cluster.HealthCheck", 0) == 0;
    watch += f.owner == "cosi.resource.WatchRequest";
  }
  EXPECT_EQ(image, 15);  // 10 fields + 5 status values
  EXPECT_EQ(system_information, 8);
  EXPECT_GE(health, 4);
  EXPECT_GE(watch, 4);
}

TEST(ProtoUpstream, EveryFieldHasTheUpstreamNumberTypeAndLabel) {
  int checked = 0;
  for (const Fact& f : upstream_facts()) {
    if (f.kind != "field") {
      continue;
    }
    SCOPED_TRACE(f.owner + " | " + f.value);
    const gpb::Descriptor* message = pool().FindMessageTypeByName(f.owner);
    ASSERT_NE(message, nullptr);
    const gpb::FieldDescriptor* field = message->FindFieldByName(field_name(f.value));
    ASSERT_NE(field, nullptr);
    EXPECT_EQ(proto_support::describe(*field), f.value);
    ++checked;
  }
  EXPECT_GE(checked, 490);
}

TEST(ProtoUpstream, EveryEnumValueHasTheUpstreamNumber) {
  int checked = 0;
  for (const Fact& f : upstream_facts()) {
    if (f.kind != "enum") {
      continue;
    }
    SCOPED_TRACE(f.owner + " | " + f.value);
    const gpb::EnumDescriptor* e = pool().FindEnumTypeByName(f.owner);
    ASSERT_NE(e, nullptr);
    const std::string name = f.value.substr(0, f.value.find('='));
    const gpb::EnumValueDescriptor* v = e->FindValueByName(name);
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(name + "=" + std::to_string(v->number()), f.value);
    ++checked;
  }
  EXPECT_GE(checked, 130);
}

TEST(ProtoUpstream, EveryRpcHasTheUpstreamTypesAndStreaming) {
  int checked = 0;
  for (const Fact& f : upstream_facts()) {
    if (f.kind != "rpc") {
      continue;
    }
    SCOPED_TRACE(f.owner);
    const auto slash = f.owner.rfind('/');
    const gpb::ServiceDescriptor* s = pool().FindServiceByName(f.owner.substr(1, slash - 1));
    ASSERT_NE(s, nullptr);
    const gpb::MethodDescriptor* m = s->FindMethodByName(f.owner.substr(slash + 1));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(describe_rpc(*m), f.value);
    ++checked;
  }
  EXPECT_GE(checked, 38);
}

}  // namespace
