// Field-by-field copies; enums share their numbers with the protos (api_types.h).
#include "talos/grpc_convert.h"

namespace talos {

const char* apply_mode_name(ApplyMode mode) {
  switch (mode) {
    case ApplyMode::Reboot:
      return "reboot";
    case ApplyMode::Auto:
      return "auto";
    case ApplyMode::NoReboot:
      return "no-reboot";
    case ApplyMode::Staged:
      return "staged";
    case ApplyMode::Try:
      return "try";
  }
  return "unknown";
}

VersionInfo from_proto(const ::machine::Version& v) {
  return VersionInfo{
      .node = v.metadata().hostname(),
      .tag = v.version().tag(),
      .sha = v.version().sha(),
      .built = v.version().built(),
      .go_version = v.version().go_version(),
      .os = v.version().os(),
      .arch = v.version().arch(),
      .platform_name = v.platform().name(),
      .platform_mode = v.platform().mode(),
      .rbac = v.features().rbac(),
  };
}

ApplyResult from_proto(const ::machine::ApplyConfiguration& a) {
  return ApplyResult{
      .node = a.metadata().hostname(),
      .warnings = {a.warnings().begin(), a.warnings().end()},
      .mode = static_cast<ApplyMode>(a.mode()),
      .mode_details = a.mode_details(),
  };
}

Disk from_proto(const ::storage::Disk& d) {
  return Disk{
      .device_name = d.device_name(),
      .name = d.name(),
      .model = d.model(),
      .serial = d.serial(),
      .modalias = d.modalias(),
      .uuid = d.uuid(),
      .wwid = d.wwid(),
      .bus_path = d.bus_path(),
      .subsystem = d.subsystem(),
      .size = d.size(),
      .type = static_cast<DiskType>(d.type()),
      .system_disk = d.system_disk(),
      .readonly = d.readonly(),
  };
}

ServiceInfo from_proto(const ::machine::ServiceInfo& s) {
  ServiceInfo out{
      .id = s.id(),
      .state = s.state(),
      .events = {},
      .health_unknown = s.health().unknown(),
      .healthy = s.health().healthy(),
      .health_message = s.health().last_message(),
  };
  for (const auto& e : s.events().events()) {
    out.events.push_back(ServiceEvent{e.msg(), e.state(), e.ts().seconds()});
  }
  return out;
}

MemoryInfo from_proto(const ::machine::Memory& m) {
  return MemoryInfo{
      .node = m.metadata().hostname(),
      .total = m.meminfo().memtotal(),
      .free = m.meminfo().memfree(),
      .available = m.meminfo().memavailable(),
  };
}

EtcdMember from_proto(const ::machine::EtcdMember& e) {
  return EtcdMember{
      .id = e.id(),
      .hostname = e.hostname(),
      .peer_urls = {e.peer_urls().begin(), e.peer_urls().end()},
      .client_urls = {e.client_urls().begin(), e.client_urls().end()},
      .is_learner = e.is_learner(),
  };
}

Resource from_proto(const ::cosi::resource::Resource& r) {
  const auto& m = r.metadata();
  return Resource{
      .metadata =
          ResourceMetadata{
              .ns = m.namespace_(),
              .type = m.type(),
              .id = m.id(),
              .version = m.version(),
              .owner = m.owner(),
              .phase = m.phase(),
              .created_unix = m.created().seconds(),
              .updated_unix = m.updated().seconds(),
              .finalizers = {m.finalizers().begin(), m.finalizers().end()},
              .labels = {m.labels().begin(), m.labels().end()},
              .annotations = {m.annotations().begin(), m.annotations().end()},
          },
      .yaml_spec = r.spec().yaml_spec(),
      .proto_spec = r.spec().proto_spec(),
  };
}

}  // namespace talos
