// Method paths, request/response types and streaming shape of every RPC talforge uses, checked
// against the table of talos.md §2.2 through the generated descriptors.
#include <map>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include "cluster/cluster.grpc.pb.h"
#include "cosi/state.grpc.pb.h"
#include "machine/image.grpc.pb.h"
#include "machine/lifecycle.grpc.pb.h"
#include "machine/machine.grpc.pb.h"
#include "security/security.grpc.pb.h"
#include "storage/storage.grpc.pb.h"
#include "support.h"

namespace {

namespace gpb = google::protobuf;

struct Rpc {
  std::string path;      // "/<package>.<Service>/<Method>"
  std::string request;   // full message name; empty = not stated by talos.md, not checked
  std::string response;  // idem
  bool client_stream;
  bool server_stream;
};

constexpr bool kUnary = false;
constexpr bool kStream = true;

// talos.md §2.2, plus the (v1.13+) LifecycleService and ImageService paths of issue #4.
const std::vector<Rpc>& talos_rpcs() {
  static const std::vector<Rpc> rpcs = {
      {"/machine.MachineService/ApplyConfiguration", "machine.ApplyConfigurationRequest",
       "machine.ApplyConfigurationResponse", kUnary, kUnary},
      {"/machine.MachineService/Bootstrap", "machine.BootstrapRequest", "machine.BootstrapResponse",
       kUnary, kUnary},
      {"/machine.MachineService/Kubeconfig", "google.protobuf.Empty", "common.Data", kUnary,
       kStream},
      {"/machine.MachineService/Upgrade", "machine.UpgradeRequest", "machine.UpgradeResponse",
       kUnary, kUnary},
      {"/machine.MachineService/Rollback", "machine.RollbackRequest", "machine.RollbackResponse",
       kUnary, kUnary},
      {"/machine.MachineService/Reboot", "machine.RebootRequest", "machine.RebootResponse", kUnary,
       kUnary},
      {"/machine.MachineService/Shutdown", "machine.ShutdownRequest", "machine.ShutdownResponse",
       kUnary, kUnary},
      {"/machine.MachineService/Reset", "machine.ResetRequest", "machine.ResetResponse", kUnary,
       kUnary},
      {"/machine.MachineService/Version", "google.protobuf.Empty", "machine.VersionResponse",
       kUnary, kUnary},
      {"/machine.MachineService/Hostname", "google.protobuf.Empty", "machine.HostnameResponse",
       kUnary, kUnary},
      {"/machine.MachineService/Memory", "google.protobuf.Empty", "machine.MemoryResponse", kUnary,
       kUnary},
      {"/machine.MachineService/ServiceList", "google.protobuf.Empty",
       "machine.ServiceListResponse", kUnary, kUnary},
      {"/machine.MachineService/ServiceStart", "machine.ServiceStartRequest",
       "machine.ServiceStartResponse", kUnary, kUnary},
      {"/machine.MachineService/ServiceStop", "machine.ServiceStopRequest",
       "machine.ServiceStopResponse", kUnary, kUnary},
      {"/machine.MachineService/ServiceRestart", "machine.ServiceRestartRequest",
       "machine.ServiceRestartResponse", kUnary, kUnary},
      {"/machine.MachineService/EtcdMemberList", "machine.EtcdMemberListRequest",
       "machine.EtcdMemberListResponse", kUnary, kUnary},
      {"/machine.MachineService/EtcdRemoveMemberByID", "machine.EtcdRemoveMemberByIDRequest",
       "machine.EtcdRemoveMemberByIDResponse", kUnary, kUnary},
      {"/machine.MachineService/EtcdLeaveCluster", "machine.EtcdLeaveClusterRequest",
       "machine.EtcdLeaveClusterResponse", kUnary, kUnary},
      {"/machine.MachineService/EtcdForfeitLeadership", "machine.EtcdForfeitLeadershipRequest",
       "machine.EtcdForfeitLeadershipResponse", kUnary, kUnary},
      {"/machine.MachineService/EtcdStatus", "google.protobuf.Empty", "machine.EtcdStatusResponse",
       kUnary, kUnary},
      {"/machine.MachineService/EtcdAlarmList", "google.protobuf.Empty",
       "machine.EtcdAlarmListResponse", kUnary, kUnary},
      {"/machine.MachineService/EtcdAlarmDisarm", "google.protobuf.Empty",
       "machine.EtcdAlarmDisarmResponse", kUnary, kUnary},
      {"/machine.MachineService/EtcdDefragment", "google.protobuf.Empty",
       "machine.EtcdDefragmentResponse", kUnary, kUnary},
      {"/machine.MachineService/EtcdSnapshot", "machine.EtcdSnapshotRequest", "common.Data", kUnary,
       kStream},
      {"/machine.MachineService/EtcdRecover", "common.Data", "machine.EtcdRecoverResponse", kStream,
       kUnary},
      {"/machine.MachineService/Logs", "machine.LogsRequest", "common.Data", kUnary, kStream},
      {"/machine.MachineService/Read", "machine.ReadRequest", "common.Data", kUnary, kStream},
      {"/machine.MachineService/Events", "machine.EventsRequest", "machine.Event", kUnary, kStream},
      {"/machine.MachineService/GenerateClientConfiguration",
       "machine.GenerateClientConfigurationRequest", "machine.GenerateClientConfigurationResponse",
       kUnary, kUnary},
      {"/machine.LifecycleService/Upgrade", "machine.LifecycleServiceUpgradeRequest",
       "machine.LifecycleServiceUpgradeResponse", kUnary, kStream},
      // talos.md states only the path; messages and streaming are placeholders (image.proto).
      {"/machine.ImageService/Pull", "", "", kUnary, kStream},
      {"/storage.StorageService/Disks", "google.protobuf.Empty", "storage.DisksResponse", kUnary,
       kUnary},
      {"/storage.StorageService/BlockDeviceWipe", "storage.BlockDeviceWipeRequest",
       "storage.BlockDeviceWipeResponse", kUnary, kUnary},
      {"/cluster.ClusterService/HealthCheck", "cluster.HealthCheckRequest",
       "cluster.HealthCheckProgress", kUnary, kStream},
      {"/cosi.resource.State/Get", "cosi.resource.GetRequest", "cosi.resource.GetResponse", kUnary,
       kUnary},
      {"/cosi.resource.State/List", "cosi.resource.ListRequest", "cosi.resource.ListResponse",
       kUnary, kStream},
      {"/cosi.resource.State/Watch", "cosi.resource.WatchRequest", "cosi.resource.WatchResponse",
       kUnary, kStream},
      {"/securityapi.SecurityService/Certificate", "securityapi.CertificateRequest",
       "securityapi.CertificateResponse", kUnary, kUnary},
  };
  return rpcs;
}

const gpb::MethodDescriptor* find_method(const std::string& path) {
  const std::string::size_type slash = path.rfind('/');
  const std::string service = path.substr(1, slash - 1);
  const gpb::ServiceDescriptor* s =
      gpb::DescriptorPool::generated_pool()->FindServiceByName(service);
  return s == nullptr ? nullptr : s->FindMethodByName(path.substr(slash + 1));
}

TEST(ProtoServices, EveryRpcTalforgeUsesHasTheTalosPathTypesAndStreaming) {
  proto_support::talforge_files();  // links every generated file into the pool
  for (const Rpc& rpc : talos_rpcs()) {
    SCOPED_TRACE(rpc.path);
    const gpb::MethodDescriptor* m = find_method(rpc.path);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ("/" + m->service()->full_name() + "/" + m->name(), rpc.path);
    if (!rpc.request.empty()) {
      EXPECT_EQ(m->input_type()->full_name(), rpc.request);
      EXPECT_EQ(m->output_type()->full_name(), rpc.response);
    }
    EXPECT_EQ(m->client_streaming(), rpc.client_stream);
    EXPECT_EQ(m->server_streaming(), rpc.server_stream);
  }
}

TEST(ProtoServices, ServicesDeclareOnlyTheTabledMethods) {
  proto_support::talforge_files();
  std::map<std::string, int> per_service;
  for (const Rpc& rpc : talos_rpcs()) {
    per_service[rpc.path.substr(1, rpc.path.rfind('/') - 1)]++;
  }
  EXPECT_EQ(per_service.size(), 7u);
  for (const auto& [name, count] : per_service) {
    const gpb::ServiceDescriptor* s =
        gpb::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_EQ(s->method_count(), count) << name;
  }
}

TEST(ProtoServices, GeneratedStubsCarryTheTalosServiceNames) {
  EXPECT_STREQ(machine::MachineService::service_full_name(), "machine.MachineService");
  EXPECT_STREQ(machine::LifecycleService::service_full_name(), "machine.LifecycleService");
  EXPECT_STREQ(machine::ImageService::service_full_name(), "machine.ImageService");
  EXPECT_STREQ(storage::StorageService::service_full_name(), "storage.StorageService");
  EXPECT_STREQ(cluster::ClusterService::service_full_name(), "cluster.ClusterService");
  EXPECT_STREQ(cosi::resource::State::service_full_name(), "cosi.resource.State");
  EXPECT_STREQ(securityapi::SecurityService::service_full_name(), "securityapi.SecurityService");
}

// talos.md §2.2: apid's one-to-many proxy concatenates replies, which only works because field 1
// of every unary reply is the repeated element and field 1 of the element is common.Metadata.
TEST(ProtoServices, EveryUnaryMachineAndStorageReplyFollowsTheEnvelopeShape) {
  proto_support::talforge_files();
  int checked = 0;
  for (const Rpc& rpc : talos_rpcs()) {
    const gpb::MethodDescriptor* m = find_method(rpc.path);
    ASSERT_NE(m, nullptr) << rpc.path;
    const std::string& package = m->service()->file()->package();
    if (m->server_streaming() || (package != "machine" && package != "storage")) {
      continue;
    }
    SCOPED_TRACE(rpc.path);
    const gpb::Descriptor* reply = m->output_type();
    ASSERT_GE(reply->field_count(), 1);
    EXPECT_EQ(reply->field_count(), 1);
    const gpb::FieldDescriptor* messages = reply->field(0);
    EXPECT_EQ(proto_support::describe(*messages).substr(0, 20), "1 messages repeated ");
    ASSERT_EQ(messages->type(), gpb::FieldDescriptor::TYPE_MESSAGE);
    const gpb::FieldDescriptor* metadata = messages->message_type()->FindFieldByNumber(1);
    ASSERT_NE(metadata, nullptr);
    EXPECT_EQ(proto_support::describe(*metadata), "1 metadata common.Metadata");
    ++checked;
  }
  EXPECT_EQ(checked, 26);
}

}  // namespace
