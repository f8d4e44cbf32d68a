// Wire behaviour of the generated code: exact bytes for Talos-shaped values, lossless round trips
// of every message with every field set, and parse failures (never crashes) on damaged input.
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include <google/protobuf/any.pb.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "support.h"

namespace {

namespace gpb = google::protobuf;
namespace defs = talos::resource::definitions;

std::unique_ptr<gpb::Message> new_message(const gpb::Descriptor* d) {
  return std::unique_ptr<gpb::Message>(
      gpb::MessageFactory::generated_factory()->GetPrototype(d)->New());
}

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) {
    s.push_back(static_cast<char>(c));
  }
  return s;
}

// talos.md §11: MachineStatusSpec{stage=1 enum, status=2{ready=1, unmet_conditions=2}}.
TEST(ProtoWire, EncodesMachineStatusSpecWithTalosTags) {
  defs::runtime::MachineStatusSpec spec;
  spec.set_stage(defs::enums::MACHINE_STAGE_RUNNING);
  spec.mutable_status()->set_ready(true);
  EXPECT_EQ(spec.SerializeAsString(), bytes({0x08, 0x04, 0x12, 0x02, 0x08, 0x01}));

  defs::runtime::UnmetCondition* c = spec.mutable_status()->add_unmet_conditions();
  c->set_name("n");
  c->set_reason("r");
  spec.mutable_status()->set_ready(false);
  EXPECT_EQ(spec.SerializeAsString(),
            bytes({0x08, 0x04, 0x12, 0x08, 0x12, 0x06, 0x0a, 0x01, 'n', 0x12, 0x01, 'r'}));
}

TEST(ProtoWire, EncodesEtcdMemberIdAsFieldTwo) {
  machine::EtcdMember m;
  m.set_id(1);
  EXPECT_EQ(m.SerializeAsString(), bytes({0x10, 0x01}));
}

// apid substitutes a failed node's unary reply with EmptyResponse{messages:[{metadata}]}; it must
// decode as one element of any reply envelope with only its metadata set (talos.md §1.5).
TEST(ProtoWire, DecodesApidErrorReplyAsEnvelopeElementWithOnlyMetadata) {
  common::EmptyResponse failed;
  common::Metadata* md = failed.add_messages()->mutable_metadata();
  md->set_hostname("127.10.0.2");
  md->set_error("rpc error: code = Unavailable");
  md->mutable_status()->set_code(14);
  md->mutable_status()->set_message("connection refused");

  machine::VersionResponse reply;
  ASSERT_TRUE(reply.ParseFromString(failed.SerializeAsString()));
  ASSERT_EQ(reply.messages_size(), 1);
  EXPECT_EQ(reply.messages(0).metadata().hostname(), "127.10.0.2");
  EXPECT_EQ(reply.messages(0).metadata().status().code(), 14);
  EXPECT_FALSE(reply.messages(0).has_version());
}

// One-to-many unary replies are the concatenation of each node's serialized reply.
TEST(ProtoWire, ConcatenatedEnvelopesDecodeAsOneReplyPerNode) {
  machine::HostnameResponse a;
  a.add_messages()->set_hostname("cp-1");
  machine::HostnameResponse b;
  b.add_messages()->set_hostname("cp-2");
  machine::HostnameResponse both;
  ASSERT_TRUE(both.ParseFromString(a.SerializeAsString() + b.SerializeAsString()));
  ASSERT_EQ(both.messages_size(), 2);
  EXPECT_EQ(both.messages(1).hostname(), "cp-2");
}

TEST(ProtoWire, PacksEventPayloadWithTalosTypeUrl) {
  machine::MachineStatusEvent ev;
  ev.set_stage(machine::MachineStatusEvent::RUNNING);
  ev.mutable_status()->set_ready(true);
  machine::Event event;
  event.mutable_data()->PackFrom(ev, "talos/runtime");
  EXPECT_EQ(event.data().type_url(), "talos/runtime/machine.MachineStatusEvent");

  machine::Event decoded;
  ASSERT_TRUE(decoded.ParseFromString(event.SerializeAsString()));
  machine::MachineStatusEvent out;
  ASSERT_TRUE(decoded.data().Is<machine::MachineStatusEvent>());
  ASSERT_TRUE(decoded.data().UnpackTo(&out));
  EXPECT_EQ(out.stage(), machine::MachineStatusEvent::RUNNING);
  EXPECT_TRUE(out.status().ready());
}

TEST(ProtoWire, RoundTripsApplyConfigurationRequestWithEveryField) {
  machine::ApplyConfigurationRequest req;
  req.set_data("version: v1alpha1\nmachine: {}\n");
  req.set_mode(machine::ApplyConfigurationRequest::TRY);
  req.set_dry_run(true);
  req.mutable_try_mode_timeout()->set_seconds(60);
  req.mutable_try_mode_timeout()->set_nanos(5);

  machine::ApplyConfigurationRequest out;
  ASSERT_TRUE(out.ParseFromString(req.SerializeAsString()));
  EXPECT_EQ(out.data(), "version: v1alpha1\nmachine: {}\n");
  EXPECT_EQ(out.mode(), machine::ApplyConfigurationRequest::TRY);
  EXPECT_TRUE(out.dry_run());
  EXPECT_EQ(out.try_mode_timeout().seconds(), 60);
  EXPECT_EQ(out.try_mode_timeout().nanos(), 5);
}

TEST(ProtoWire, RoundTripsWatchEventCarryingAResourceSpec) {
  defs::runtime::MachineStatusSpec spec;
  spec.set_stage(defs::enums::MACHINE_STAGE_BOOTING);
  cosi::resource::WatchResponse resp;
  cosi::resource::Event* ev = resp.add_event();
  ev->set_event_type(cosi::resource::UPDATED);
  cosi::resource::Metadata* md = ev->mutable_resource()->mutable_metadata();
  md->set_namespace_("runtime");
  md->set_type("MachineStatuses.runtime.talos.dev");
  md->set_id("machine");
  md->set_version("7");
  (*md->mutable_labels())["l"] = "1";
  (*md->mutable_annotations())["a"] = "2";
  ev->mutable_resource()->mutable_spec()->set_proto_spec(spec.SerializeAsString());
  ev->mutable_resource()->mutable_spec()->set_yaml_spec("stage: booting\n");
  ev->mutable_old()->mutable_metadata()->set_version("6");
  ev->set_error("");
  ev->set_bookmark("b");

  cosi::resource::WatchResponse out;
  ASSERT_TRUE(out.ParseFromString(resp.SerializeAsString()));
  ASSERT_EQ(out.event_size(), 1);
  const cosi::resource::Event& got = out.event(0);
  EXPECT_EQ(got.event_type(), cosi::resource::UPDATED);
  EXPECT_TRUE(got.has_error());  // proto3 `optional`: an empty string is still present
  EXPECT_EQ(got.bookmark(), "b");
  EXPECT_EQ(got.resource().metadata().labels().at("l"), "1");
  EXPECT_EQ(got.resource().metadata().annotations().at("a"), "2");
  EXPECT_EQ(got.old().metadata().version(), "6");
  defs::runtime::MachineStatusSpec got_spec;
  ASSERT_TRUE(got_spec.ParseFromString(got.resource().spec().proto_spec()));
  EXPECT_EQ(got_spec.stage(), defs::enums::MACHINE_STAGE_BOOTING);
}

TEST(ProtoWire, RoundTripsEveryMessageWithEveryFieldSet) {
  const std::vector<const gpb::Descriptor*> messages = proto_support::talforge_messages();
  ASSERT_GT(messages.size(), 150u);
  for (const gpb::Descriptor* d : messages) {
    SCOPED_TRACE(d->full_name());
    std::unique_ptr<gpb::Message> in = new_message(d);
    proto_support::fill(*in, 0);
    for (int i = 0; i < d->field_count(); ++i) {
      const gpb::FieldDescriptor* f = d->field(i);
      if (f->is_repeated()) {
        EXPECT_EQ(in->GetReflection()->FieldSize(*in, f), 2) << f->name();
      } else if (f->real_containing_oneof() == nullptr) {
        EXPECT_TRUE(in->GetReflection()->HasField(*in, f)) << f->name();
      }
    }
    std::unique_ptr<gpb::Message> out = new_message(d);
    ASSERT_TRUE(out->ParseFromString(in->SerializeAsString()));
    EXPECT_TRUE(gpb::util::MessageDifferencer::Equals(*in, *out));
    EXPECT_TRUE(out->GetReflection()->GetUnknownFields(*out).empty());
  }
}

// Cutting the last byte always leaves an incomplete tag, varint or length-delimited field.
TEST(ProtoWire, RejectsEveryMessageTruncatedByOneByteAndSurvivesEveryPrefix) {
  const gpb::LogSilencer quiet;  // protobuf logs every invalid string it meets
  for (const gpb::Descriptor* d : proto_support::talforge_messages()) {
    SCOPED_TRACE(d->full_name());
    std::unique_ptr<gpb::Message> in = new_message(d);
    proto_support::fill(*in, 0);
    const std::string wire = in->SerializeAsString();
    if (wire.empty()) {
      continue;  // messages without fields
    }
    std::unique_ptr<gpb::Message> out = new_message(d);
    EXPECT_FALSE(out->ParseFromString(wire.substr(0, wire.size() - 1)));
    for (size_t len = 0; len + 1 < wire.size(); ++len) {
      out->Clear();
      (void)out->ParseFromString(wire.substr(0, len));
    }
  }
}

TEST(ProtoWire, RejectsMalformedBuffers) {
  const gpb::LogSilencer quiet;  // protobuf logs every invalid string it meets
  machine::ApplyConfigurationRequest m;
  // field 1 (bytes) claims 5 bytes, 1 present
  EXPECT_FALSE(m.ParseFromString(bytes({0x0a, 0x05, 'a'})));
  // varint longer than 10 bytes
  EXPECT_FALSE(m.ParseFromString(
      bytes({0x28, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})));
  // wire types 6 and 7 do not exist
  EXPECT_FALSE(m.ParseFromString(bytes({0x0e, 0x00})));
  EXPECT_FALSE(m.ParseFromString(bytes({0x0f, 0x00})));
  // field number 0 is invalid
  EXPECT_FALSE(m.ParseFromString(bytes({0x00, 0x01})));
  // end-group without a start-group
  EXPECT_FALSE(m.ParseFromString(bytes({0x0c})));
  // length larger than 2 GiB
  EXPECT_FALSE(m.ParseFromString(bytes({0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f})));
  // nested message (try_mode_timeout, 6) whose inner length overruns its outer length
  EXPECT_FALSE(m.ParseFromString(bytes({0x32, 0x02, 0x08, 0x05, 0x01})));
  EXPECT_FALSE(m.ParseFromString(bytes({0x32, 0x02, 0x0a, 0x05})));
}

// Go and C++ protobuf both refuse invalid UTF-8 in proto3 `string` fields; `bytes` take anything.
TEST(ProtoWire, RejectsInvalidUtf8InStringFieldsButNotInBytes) {
  const gpb::LogSilencer quiet;  // protobuf logs every invalid string it meets
  machine::HostnameResponse hostname;
  EXPECT_FALSE(hostname.ParseFromString(bytes({0x0a, 0x03, 0x12, 0x01, 0xff})));
  common::Data data;
  ASSERT_TRUE(data.ParseFromString(bytes({0x12, 0x01, 0xff})));
  EXPECT_EQ(data.bytes(), bytes({0xff}));
}

// A known field sent with another wire type is not an error for protobuf: it lands in the
// unknown fields and the typed field stays empty. Callers that must reject such replies have to
// check the unknown fields themselves.
TEST(ProtoWire, KeepsAKnownFieldWithTheWrongWireTypeAsUnknown) {
  machine::ApplyConfigurationRequest m;
  ASSERT_TRUE(m.ParseFromString(bytes({0x08, 0x01})));  // field 1 (bytes) as varint
  EXPECT_TRUE(m.data().empty());
  EXPECT_EQ(m.GetReflection()->GetUnknownFields(m).field_count(), 1);
}

TEST(ProtoWire, SurvivesRandomGarbage) {
  const gpb::LogSilencer quiet;  // protobuf logs every invalid string it meets
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 256);
  const std::vector<const gpb::Descriptor*> targets = {
      machine::VersionResponse::descriptor(),
      machine::Event::descriptor(),
      machine::ServiceListResponse::descriptor(),
      cosi::resource::WatchResponse::descriptor(),
      defs::block::VolumeStatusSpec::descriptor(),
      defs::k8s::StaticPodStatusSpec::descriptor(),
      common::Data::descriptor(),
  };
  int rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string garbage(static_cast<size_t>(length(rng)), '\0');
    for (char& c : garbage) {
      c = static_cast<char>(byte(rng));
    }
    for (const gpb::Descriptor* d : targets) {
      std::unique_ptr<gpb::Message> m = new_message(d);
      rejected += m->ParseFromString(garbage) ? 0 : 1;
    }
  }
  // Random bytes almost never form a valid message (20875 of 21000 here); what matters is that
  // every attempt returns.
  EXPECT_GT(rejected, 3000 * 7 * 9 / 10);
}

}  // namespace
