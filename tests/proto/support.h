// Helpers shared by the proto tests: the list of talforge's .proto files as linked descriptors, a
// talos.md-style one-line description of a field, and a reflection filler that sets every field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/message.h>
#include <gtest/gtest.h>

#include "cluster/cluster.pb.h"
#include "common/common.pb.h"
#include "cosi/meta.pb.h"
#include "cosi/resource.pb.h"
#include "cosi/state.pb.h"
#include "google/rpc/status.pb.h"
#include "machine/image.pb.h"
#include "machine/lifecycle.pb.h"
#include "machine/machine.pb.h"
#include "resource/config/config.pb.h"
#include "resource/definitions/block/block.pb.h"
#include "resource/definitions/cluster/cluster.pb.h"
#include "resource/definitions/enums/enums.pb.h"
#include "resource/definitions/etcd/etcd.pb.h"
#include "resource/definitions/extensions/extensions.pb.h"
#include "resource/definitions/hardware/hardware.pb.h"
#include "resource/definitions/k8s/k8s.pb.h"
#include "resource/definitions/network/network.pb.h"
#include "resource/definitions/proto/proto.pb.h"
#include "resource/definitions/runtime/runtime.pb.h"
#include "resource/definitions/v1alpha1/v1alpha1.pb.h"
#include "security/security.pb.h"
#include "storage/storage.pb.h"

namespace proto_support {

namespace gpb = google::protobuf;

// Every file under proto/. Naming one type per file also forces its object out of the static
// library, which is what registers the file in the generated descriptor pool.
inline std::vector<const gpb::FileDescriptor*> talforge_files() {
  return {
      google::rpc::Status::descriptor()->file(),
      common::Metadata::descriptor()->file(),
      machine::ApplyConfigurationRequest::descriptor()->file(),
      machine::LifecycleServiceUpgradeRequest::descriptor()->file(),
      machine::ImageServicePullRequest::descriptor()->file(),
      storage::Disk::descriptor()->file(),
      cluster::HealthCheckRequest::descriptor()->file(),
      securityapi::CertificateRequest::descriptor()->file(),
      cosi::resource::Resource::descriptor()->file(),
      cosi::resource::WatchRequest::descriptor()->file(),
      cosi::resource::meta::NamespaceSpec::descriptor()->file(),
      talos::resource::definitions::enums::RuntimeMachineStage_descriptor()->file(),
      talos::resource::definitions::runtime::MachineStatusSpec::descriptor()->file(),
      talos::resource::definitions::block::DiskSpec::descriptor()->file(),
      talos::resource::definitions::cluster::MemberSpec::descriptor()->file(),
      talos::resource::definitions::k8s::StaticPodStatusSpec::descriptor()->file(),
      talos::resource::definitions::proto::Mount::descriptor()->file(),
      talos::resource::definitions::network::NodeAddressSpec::descriptor()->file(),
      talos::resource::definitions::v1alpha1::ServiceSpec::descriptor()->file(),
      talos::resource::definitions::etcd::MemberSpec::descriptor()->file(),
      talos::resource::definitions::extensions::Layer::descriptor()->file(),
      talos::resource::definitions::hardware::SystemInformationSpec::descriptor()->file(),
      resource::config::MachineConfigSpec::descriptor()->file(),
  };
}

inline void collect_messages(const gpb::Descriptor* d, std::vector<const gpb::Descriptor*>& out) {
  if (d->options().map_entry()) {
    return;
  }
  out.push_back(d);
  for (int i = 0; i < d->nested_type_count(); ++i) {
    collect_messages(d->nested_type(i), out);
  }
}

// Every message type declared in talforge's files, nested ones included (map entries excluded).
inline std::vector<const gpb::Descriptor*> talforge_messages() {
  std::vector<const gpb::Descriptor*> out;
  for (const gpb::FileDescriptor* file : talforge_files()) {
    for (int i = 0; i < file->message_type_count(); ++i) {
      collect_messages(file->message_type(i), out);
    }
  }
  return out;
}

inline std::string type_name(const gpb::FieldDescriptor& f) {
  switch (f.type()) {
    case gpb::FieldDescriptor::TYPE_MESSAGE:
      return f.message_type()->full_name();
    case gpb::FieldDescriptor::TYPE_ENUM:
      return f.enum_type()->full_name();
    default:
      return f.type_name();
  }
}

// "4 mode machine.ApplyConfigurationRequest.Mode", "3 id optional string",
// "10 labels map<string, string>", "oneof response: 1 message string" — talos.md §2.3 notation.
inline std::string describe(const gpb::FieldDescriptor& f) {
  std::string type;
  if (f.is_map()) {
    type = "map<" + type_name(*f.message_type()->map_key()) + ", " +
           type_name(*f.message_type()->map_value()) + ">";
  } else if (f.is_repeated()) {
    type = "repeated " + type_name(f);
  } else if (f.has_optional_keyword()) {
    type = "optional " + type_name(f);
  } else {
    type = type_name(f);
  }
  std::string text = std::to_string(f.number()) + " " + f.name() + " " + type;
  if (f.real_containing_oneof() != nullptr) {
    text = "oneof " + f.real_containing_oneof()->name() + ": " + text;
  }
  return text;
}

inline std::vector<std::string> describe_fields(const gpb::Descriptor& d) {
  std::vector<std::string> out;
  for (int i = 0; i < d.field_count(); ++i) {
    out.push_back(describe(*d.field(i)));
  }
  return out;
}

inline std::vector<std::string> describe_values(const gpb::EnumDescriptor& e) {
  std::vector<std::string> out;
  for (int i = 0; i < e.value_count(); ++i) {
    out.push_back(e.value(i)->name() + "=" + std::to_string(e.value(i)->number()));
  }
  return out;
}

inline void fill(gpb::Message& m, int depth);

// Sets one value of field f (appending when repeated). Values are non-default and vary with
// `variant`, negative integers included so 10-byte varints are exercised.
inline void set_value(gpb::Message& m, const gpb::FieldDescriptor* f, int variant, int depth) {
  const gpb::Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  const int64_t n = f->number() * 1000 + variant + 1;
  switch (f->cpp_type()) {
    case gpb::FieldDescriptor::CPPTYPE_INT32:
      rep ? r->AddInt32(&m, f, static_cast<int32_t>(-n))
          : r->SetInt32(&m, f, static_cast<int32_t>(-n));
      break;
    case gpb::FieldDescriptor::CPPTYPE_INT64:
      rep ? r->AddInt64(&m, f, -n * 1000003) : r->SetInt64(&m, f, -n * 1000003);
      break;
    case gpb::FieldDescriptor::CPPTYPE_UINT32:
      rep ? r->AddUInt32(&m, f, 0xFFFFFF00u + variant) : r->SetUInt32(&m, f, 0xFFFFFF00u + variant);
      break;
    case gpb::FieldDescriptor::CPPTYPE_UINT64:
      rep ? r->AddUInt64(&m, f, UINT64_MAX - n) : r->SetUInt64(&m, f, UINT64_MAX - n);
      break;
    case gpb::FieldDescriptor::CPPTYPE_DOUBLE:
      rep ? r->AddDouble(&m, f, 0.5 + n) : r->SetDouble(&m, f, 0.5 + n);
      break;
    case gpb::FieldDescriptor::CPPTYPE_FLOAT:
      rep ? r->AddFloat(&m, f, 0.25f + n) : r->SetFloat(&m, f, 0.25f + n);
      break;
    case gpb::FieldDescriptor::CPPTYPE_BOOL:
      rep ? r->AddBool(&m, f, true) : r->SetBool(&m, f, true);
      break;
    case gpb::FieldDescriptor::CPPTYPE_ENUM: {
      const gpb::EnumDescriptor* e = f->enum_type();
      const int number = e->value(e->value_count() - 1 - variant % e->value_count())->number();
      rep ? r->AddEnumValue(&m, f, number) : r->SetEnumValue(&m, f, number);
      break;
    }
    case gpb::FieldDescriptor::CPPTYPE_STRING: {
      std::string v = f->type() == gpb::FieldDescriptor::TYPE_BYTES
                          ? std::string("\x00\xff\x80", 3) + f->name()
                          : f->name() + "-" + std::to_string(variant) + "-\xc3\xa9";
      rep ? r->AddString(&m, f, v) : r->SetString(&m, f, v);
      break;
    }
    case gpb::FieldDescriptor::CPPTYPE_MESSAGE: {
      gpb::Message* sub = rep ? r->AddMessage(&m, f) : r->MutableMessage(&m, f);
      if (f->is_map()) {
        const gpb::FieldDescriptor* key = f->message_type()->map_key();
        // Keys are strings in every map we declare; distinct keys keep both entries.
        sub->GetReflection()->SetString(sub, key, "key-" + std::to_string(variant));
        set_value(*sub, f->message_type()->map_value(), variant, depth + 1);
      } else if (depth < 4) {
        fill(*sub, depth + 1);
      }
      break;
    }
  }
}

// Sets every field of m (two elements per repeated/map field; the last member of a oneof wins).
inline void fill(gpb::Message& m, int depth) {
  const gpb::Descriptor* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const gpb::FieldDescriptor* f = d->field(i);
    set_value(m, f, 0, depth);
    if (f->is_repeated()) {
      set_value(m, f, 1, depth);
    }
  }
}

}  // namespace proto_support
