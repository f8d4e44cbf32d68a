// Generated proto messages → the plain structs of api_types.h. Internal to the gRPC client.
#pragma once

#include "cosi/resource.pb.h"
#include "cosi/state.pb.h"
#include "machine/machine.pb.h"
#include "storage/storage.pb.h"
#include "talos/api_types.h"

namespace talos {

VersionInfo from_proto(const ::machine::Version& v);
ApplyResult from_proto(const ::machine::ApplyConfiguration& a);
Disk from_proto(const ::storage::Disk& d);
ServiceInfo from_proto(const ::machine::ServiceInfo& s);
MemoryInfo from_proto(const ::machine::Memory& m);
EtcdMember from_proto(const ::machine::EtcdMember& e);
Resource from_proto(const ::cosi::resource::Resource& r);
EtcdMemberStatus from_proto(const ::machine::EtcdStatus& s);
// Decodes the payloads talforge follows (machine stage, sequences, phases, tasks, services,
// config errors); other types keep only `type` and `payload`. Internal when the payload does not
// parse as its declared type.
util::Result<Event> from_proto(const ::machine::Event& e);
WatchEvent from_proto(const ::cosi::resource::Event& e);

}  // namespace talos
