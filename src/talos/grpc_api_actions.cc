// GrpcApi actions: upgrade, rollback, reboot, shutdown, reset and the etcd membership changes.
// Never retried: a lost reply does not mean the action did not happen.
#include <google/protobuf/empty.pb.h>

#include "talos/grpc_api_impl.h"

namespace talos {
namespace {

template <typename Element>
ActionAck ack_of(const Element& e) {
  return ActionAck{.node = e.metadata().hostname(), .ack = {}, .actor_id = e.actor_id()};
}

}  // namespace

util::Result<ActionAck> GrpcApi::upgrade(const UpgradeRequest& request) {
  if (request.reboot_mode == RebootMode::Force) {
    return util::Error::invalid_input("Upgrade takes reboot mode default or powercycle, not force");
  }
  ::machine::UpgradeRequest proto;
  proto.set_image(request.image);
  proto.set_stage(request.stage);
  proto.set_force(request.force);
  proto.set_reboot_mode(static_cast<::machine::UpgradeRequest_RebootMode>(request.reboot_mode));
  ::machine::UpgradeResponse reply;
  RETURN_IF_ERROR(call("Upgrade", Idempotent::No, [&](grpc::ClientContext& context) {
    return machine_->Upgrade(&context, proto, &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("Upgrade")));
  const ::machine::Upgrade& u = reply.messages(0);
  return ActionAck{.node = u.metadata().hostname(), .ack = u.ack(), .actor_id = u.actor_id()};
}

util::Result<void> GrpcApi::rollback() {
  ::machine::RollbackResponse reply;
  RETURN_IF_ERROR(call("Rollback", Idempotent::No, [&](grpc::ClientContext& context) {
    return machine_->Rollback(&context, ::machine::RollbackRequest(), &reply);
  }));
  return check_envelope(reply, site("Rollback"));
}

util::Result<ActionAck> GrpcApi::reboot(RebootMode mode) {
  ::machine::RebootRequest request;
  request.set_mode(static_cast<::machine::RebootRequest_Mode>(mode));
  ::machine::RebootResponse reply;
  RETURN_IF_ERROR(call("Reboot", Idempotent::No, [&](grpc::ClientContext& context) {
    return machine_->Reboot(&context, request, &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("Reboot")));
  return ack_of(reply.messages(0));
}

util::Result<ActionAck> GrpcApi::shutdown(bool force) {
  ::machine::ShutdownRequest request;
  request.set_force(force);
  ::machine::ShutdownResponse reply;
  RETURN_IF_ERROR(call("Shutdown", Idempotent::No, [&](grpc::ClientContext& context) {
    return machine_->Shutdown(&context, request, &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("Shutdown")));
  return ack_of(reply.messages(0));
}

util::Result<ActionAck> GrpcApi::reset(const ResetRequest& request) {
  ::machine::ResetRequest proto;
  proto.set_graceful(request.graceful);
  proto.set_reboot(request.reboot);
  proto.set_mode(static_cast<::machine::ResetRequest_WipeMode>(request.mode));
  for (const std::string& label : request.system_partitions_to_wipe) {
    ::machine::ResetPartitionSpec* spec = proto.add_system_partitions_to_wipe();
    spec->set_label(label);
    spec->set_wipe(true);  // Talos skips entries without wipe
  }
  for (const std::string& disk : request.user_disks_to_wipe) {
    proto.add_user_disks_to_wipe(disk);
  }
  ::machine::ResetResponse reply;
  RETURN_IF_ERROR(call("Reset", Idempotent::No, [&](grpc::ClientContext& context) {
    return machine_->Reset(&context, proto, &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("Reset")));
  return ack_of(reply.messages(0));
}

util::Result<void> GrpcApi::etcd_remove_member(std::uint64_t member_id) {
  ::machine::EtcdRemoveMemberByIDRequest request;
  request.set_member_id(member_id);
  ::machine::EtcdRemoveMemberByIDResponse reply;
  RETURN_IF_ERROR(call("EtcdRemoveMemberByID", Idempotent::No, [&](grpc::ClientContext& context) {
    return machine_->EtcdRemoveMemberByID(&context, request, &reply);
  }));
  return check_envelope(reply, site("EtcdRemoveMemberByID"));
}

util::Result<void> GrpcApi::etcd_leave_cluster() {
  ::machine::EtcdLeaveClusterResponse reply;
  RETURN_IF_ERROR(call("EtcdLeaveCluster", Idempotent::No, [&](grpc::ClientContext& context) {
    return machine_->EtcdLeaveCluster(&context, ::machine::EtcdLeaveClusterRequest(), &reply);
  }));
  return check_envelope(reply, site("EtcdLeaveCluster"));
}

util::Result<std::string> GrpcApi::etcd_forfeit_leadership() {
  ::machine::EtcdForfeitLeadershipResponse reply;
  RETURN_IF_ERROR(call("EtcdForfeitLeadership", Idempotent::No, [&](grpc::ClientContext& context) {
    return machine_->EtcdForfeitLeadership(&context, ::machine::EtcdForfeitLeadershipRequest(),
                                           &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("EtcdForfeitLeadership")));
  return reply.messages(0).member();
}

}  // namespace talos
