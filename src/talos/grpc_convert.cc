// Field-by-field copies; enums share their numbers with the protos (api_types.h).
#include "talos/grpc_convert.h"

#include <cctype>
#include <string_view>

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

namespace talos {
namespace {

constexpr std::string_view kEventTypePrefix = "talos/runtime/";

std::string lowercase(std::string text) {
  for (char& c : text) {
    c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

template <typename Message>
bool unpack(const std::string& bytes, Message& message) {
  return message.ParseFromString(bytes);
}

void decode_machine_status(const ::machine::MachineStatusEvent& m, Event& out) {
  out.machine_stage = lowercase(::machine::MachineStatusEvent_MachineStage_Name(m.stage()));
  out.machine_ready = m.status().ready();
  for (const auto& c : m.status().unmet_conditions()) {
    out.unmet_conditions.push_back(c.name() + ": " + c.reason());
  }
}

// False when the payload is not a valid message of its declared type.
bool decode_payload(Event& out) {
  const std::string& type = out.type;
  if (type == "machine.MachineStatusEvent") {
    ::machine::MachineStatusEvent m;
    if (!unpack(out.payload, m))
      return false;
    decode_machine_status(m, out);
  } else if (type == "machine.SequenceEvent") {
    ::machine::SequenceEvent m;
    if (!unpack(out.payload, m))
      return false;
    out.name = m.sequence();
    out.action = lowercase(::machine::SequenceEvent_Action_Name(m.action()));
    out.error = m.error().message();
  } else if (type == "machine.PhaseEvent") {
    ::machine::PhaseEvent m;
    if (!unpack(out.payload, m))
      return false;
    out.name = m.phase();
    out.action = lowercase(::machine::PhaseEvent_Action_Name(m.action()));
  } else if (type == "machine.TaskEvent") {
    ::machine::TaskEvent m;
    if (!unpack(out.payload, m))
      return false;
    out.name = m.task();
    out.action = lowercase(::machine::TaskEvent_Action_Name(m.action()));
  } else if (type == "machine.ServiceStateEvent") {
    ::machine::ServiceStateEvent m;
    if (!unpack(out.payload, m))
      return false;
    out.name = m.service();
    out.action = lowercase(::machine::ServiceStateEvent_Action_Name(m.action()));
    out.error = m.message();
  } else if (type == "machine.ConfigLoadErrorEvent") {
    ::machine::ConfigLoadErrorEvent m;
    if (!unpack(out.payload, m))
      return false;
    out.error = m.error();
  } else if (type == "machine.ConfigValidationErrorEvent") {
    ::machine::ConfigValidationErrorEvent m;
    if (!unpack(out.payload, m))
      return false;
    out.error = m.error();
  }
  return true;
}

}  // namespace

EtcdMemberStatus from_proto(const ::machine::EtcdStatus& s) {
  const auto& m = s.member_status();
  return EtcdMemberStatus{
      .node = s.metadata().hostname(),
      .member_id = m.member_id(),
      .protocol_version = m.protocol_version(),
      .storage_version = m.storage_version(),
      .db_size = m.db_size(),
      .db_size_in_use = m.db_size_in_use(),
      .leader = m.leader(),
      .raft_index = m.raft_index(),
      .raft_term = m.raft_term(),
      .raft_applied_index = m.raft_applied_index(),
      .errors = {m.errors().begin(), m.errors().end()},
      .is_learner = m.is_learner(),
  };
}

util::Result<Event> from_proto(const ::machine::Event& e) {
  Event out;
  out.node = e.metadata().hostname();
  out.id = e.id();
  out.actor_id = e.actor_id();
  const std::string& url = e.data().type_url();
  out.type = url.rfind(kEventTypePrefix, 0) == 0 ? url.substr(kEventTypePrefix.size()) : url;
  out.payload = e.data().value();
  if (!decode_payload(out)) {
    return util::Error::internal("event " + out.id + " carries a malformed " + out.type +
                                 " payload");
  }
  return out;
}

WatchEvent from_proto(const ::cosi::resource::Event& e) {
  WatchEvent out;
  out.type = static_cast<WatchEventType>(e.event_type());
  if (e.has_resource()) {
    out.resource = from_proto(e.resource());
  }
  out.error = e.error();
  return out;
}

}  // namespace talos
