// Field numbers, names, types, labels and declaration order of the messages talforge depends on,
// and the values of their enums, checked against talos.md §2.3 (written in its notation).
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include "support.h"

namespace {

namespace gpb = google::protobuf;
using proto_support::describe_fields;
using proto_support::describe_values;

struct Expected {
  std::string message;
  std::vector<std::string> fields;  // "number name [label] type", declaration order
};

const std::vector<Expected>& talos_messages() {
  static const std::vector<Expected> table = {
      {"common.Metadata", {"1 hostname string", "2 error string", "3 status google.rpc.Status"}},
      {"common.Data", {"1 metadata common.Metadata", "2 bytes bytes"}},
      {"common.Error",
       {"1 code common.Code", "2 message string", "3 details repeated google.protobuf.Any"}},
      {"common.ContainerdInstance",
       {"1 driver common.ContainerDriver", "2 namespace common.ContainerdNamespace"}},
      {"common.NetIPPrefix", {"1 ip bytes", "2 prefix_length int32"}},
      {"google.rpc.Status",
       {"1 code int32", "2 message string", "3 details repeated google.protobuf.Any"}},
      {"machine.ApplyConfigurationRequest",
       {"1 data bytes", "4 mode machine.ApplyConfigurationRequest.Mode", "5 dry_run bool",
        "6 try_mode_timeout google.protobuf.Duration"}},
      {"machine.ApplyConfiguration",
       {"1 metadata common.Metadata", "2 warnings repeated string",
        "3 mode machine.ApplyConfigurationRequest.Mode", "4 mode_details string"}},
      {"machine.BootstrapRequest", {"1 recover_etcd bool", "2 recover_skip_hash_check bool"}},
      {"machine.UpgradeRequest",
       {"1 image string", "2 preserve bool", "3 stage bool", "4 force bool",
        "5 reboot_mode machine.UpgradeRequest.RebootMode"}},
      {"machine.Upgrade", {"1 metadata common.Metadata", "2 ack string", "3 actor_id string"}},
      {"machine.LifecycleServiceUpgradeRequest",
       {"1 containerd common.ContainerdInstance", "2 source machine.InstallArtifactsSource"}},
      {"machine.LifecycleServiceInstallProgress",
       {"oneof response: 1 message string", "oneof response: 2 exit_code int32"}},
      {"machine.RebootRequest", {"1 mode machine.RebootRequest.Mode"}},
      {"machine.ResetRequest",
       {"1 graceful bool", "2 reboot bool",
        "3 system_partitions_to_wipe repeated machine.ResetPartitionSpec",
        "4 user_disks_to_wipe repeated string", "5 mode machine.ResetRequest.WipeMode"}},
      {"machine.ResetPartitionSpec", {"1 label string", "2 wipe bool"}},
      {"machine.Version",
       {"1 metadata common.Metadata", "2 version machine.VersionInfo",
        "3 platform machine.PlatformInfo", "4 features machine.FeaturesInfo"}},
      {"machine.VersionInfo",
       {"1 tag string", "2 sha string", "3 built string", "4 go_version string", "5 os string",
        "6 arch string"}},
      {"machine.ServiceInfo",
       {"1 id string", "2 state string", "3 events machine.ServiceEvents",
        "4 health machine.ServiceHealth"}},
      {"machine.EtcdMember",
       {"2 id uint64", "3 hostname string", "4 peer_urls repeated string",
        "5 client_urls repeated string", "6 is_learner bool"}},
      {"machine.EtcdMembers",
       {"1 metadata common.Metadata", "2 legacy_members repeated string",
        "3 members repeated machine.EtcdMember"}},
      {"machine.EtcdMemberStatus",
       {"10 member_id uint64", "1 protocol_version string", "2 db_size int64",
        "3 db_size_in_use int64", "4 leader uint64", "5 raft_index uint64", "6 raft_term uint64",
        "7 raft_applied_index uint64", "8 errors repeated string", "9 is_learner bool",
        "11 storage_version string"}},
      {"machine.LogsRequest",
       {"1 namespace string", "2 id string", "3 driver common.ContainerDriver", "4 follow bool",
        "5 tail_lines int32"}},
      {"machine.Event",
       {"1 metadata common.Metadata", "2 data google.protobuf.Any", "3 id string",
        "4 actor_id string"}},
      {"machine.EventsRequest",
       {"1 tail_events int32", "2 tail_id string", "3 tail_seconds int32",
        "4 with_actor_id string"}},
      {"machine.MachineStatusEvent",
       {"1 stage machine.MachineStatusEvent.MachineStage",
        "2 status machine.MachineStatusEvent.MachineStatus"}},
      {"storage.Disk",
       {"1 size uint64", "2 model string", "3 device_name string", "4 name string",
        "5 serial string", "6 modalias string", "7 uuid string", "8 wwid string",
        "9 type storage.Disk.DiskType", "10 bus_path string", "11 system_disk bool",
        "12 subsystem string", "13 readonly bool"}},
      {"cluster.HealthCheckRequest",
       {"1 wait_timeout google.protobuf.Duration", "2 cluster_info cluster.ClusterInfo"}},
      {"securityapi.CertificateResponse", {"1 ca bytes", "2 crt bytes"}},
      {"cosi.resource.Metadata",
       {"1 namespace string", "2 type string", "3 id string", "4 version string", "5 owner string",
        "6 phase string", "7 created google.protobuf.Timestamp",
        "8 updated google.protobuf.Timestamp", "9 finalizers repeated string",
        "11 annotations map<string, string>", "10 labels map<string, string>"}},
      {"cosi.resource.Resource",
       {"1 metadata cosi.resource.Metadata", "2 spec cosi.resource.Spec"}},
      {"cosi.resource.Spec", {"1 proto_spec bytes", "2 yaml_spec string"}},
      {"cosi.resource.LabelTerm",
       {"1 key string", "2 op cosi.resource.LabelTerm.Operation", "3 value repeated string",
        "5 invert bool"}},
      {"cosi.resource.WatchRequest",
       {"1 namespace string", "2 type string", "3 id optional string",
        "4 options cosi.resource.WatchOptions", "5 api_version int32"}},
      {"cosi.resource.WatchOptions",
       {"1 bootstrap_contents bool", "2 tail_events int32",
        "3 label_query repeated cosi.resource.LabelQuery", "4 id_query cosi.resource.IDQuery",
        "5 aggregated bool", "6 start_from_bookmark optional bytes", "7 bootstrap_bookmark bool"}},
      {"cosi.resource.WatchResponse", {"1 event repeated cosi.resource.Event"}},
      {"cosi.resource.Event",
       {"1 resource cosi.resource.Resource", "3 old cosi.resource.Resource",
        "4 error optional string", "2 event_type cosi.resource.EventType",
        "5 bookmark optional bytes"}},
      {"talos.resource.definitions.runtime.MachineStatusSpec",
       {"1 stage talos.resource.definitions.enums.RuntimeMachineStage",
        "2 status talos.resource.definitions.runtime.MachineStatusStatus"}},
      {"talos.resource.definitions.runtime.MachineStatusStatus",
       {"1 ready bool",
        "2 unmet_conditions repeated talos.resource.definitions.runtime.UnmetCondition"}},
      {"talos.resource.definitions.cluster.MemberSpec",
       {"1 node_id string", "2 addresses repeated common.NetIP", "3 hostname string",
        "4 machine_type talos.resource.definitions.enums.MachineType", "5 operating_system string",
        "6 control_plane talos.resource.definitions.cluster.ControlPlane"}},
      {"talos.resource.definitions.network.NodeAddressSpec",
       {"1 addresses repeated common.NetIPPrefix",
        "2 sort_algorithm talos.resource.definitions.enums.NethelpersAddressSortAlgorithm"}},
      {"talos.resource.definitions.k8s.StaticPodStatusSpec",
       {"1 pod_status google.protobuf.Struct"}},
      {"talos.resource.definitions.extensions.Layer",
       {"1 image string", "2 metadata talos.resource.definitions.extensions.Metadata"}},
      {"resource.config.MachineTypeSpec", {"1 machine_type resource.config.MachineType"}},
  };
  return table;
}

TEST(ProtoFields, KeyMessagesMatchTalosFieldTables) {
  proto_support::talforge_files();
  for (const Expected& e : talos_messages()) {
    const gpb::Descriptor* d =
        gpb::DescriptorPool::generated_pool()->FindMessageTypeByName(e.message);
    ASSERT_NE(d, nullptr) << e.message;
    EXPECT_EQ(describe_fields(*d), e.fields) << e.message;
  }
}

TEST(ProtoFields, VolumeStatusSpecKeepsEveryNumberThroughV114) {
  const gpb::Descriptor* d = talos::resource::definitions::block::VolumeStatusSpec::descriptor();
  ASSERT_EQ(d->field_count(), 27);
  for (int i = 0; i < d->field_count(); ++i) {
    EXPECT_EQ(d->field(i)->number(), i + 1) << d->field(i)->name();
  }
  EXPECT_EQ(d->FindFieldByNumber(22)->message_type()->full_name(),
            "talos.resource.definitions.block.TPMEncryptionOptionsInfo");
  EXPECT_EQ(d->FindFieldByNumber(27)->name(), "scrub_interval");
}

TEST(ProtoFields, MemInfoHasFortyEightCountersInOrder) {
  const gpb::Descriptor* d = machine::MemInfo::descriptor();
  ASSERT_EQ(d->field_count(), 48);
  EXPECT_EQ(proto_support::describe(*d->field(0)), "1 memtotal uint64");
  EXPECT_EQ(proto_support::describe(*d->field(2)), "3 memavailable uint64");
  EXPECT_EQ(proto_support::describe(*d->field(47)), "48 directmap1g uint64");
}

struct ExpectedEnum {
  std::string name;
  std::vector<std::string> values;
};

TEST(ProtoFields, EnumsMatchTalosValues) {
  proto_support::talforge_files();
  const std::vector<ExpectedEnum> table = {
      {"common.Code", {"FATAL=0", "LOCKED=1", "CANCELED=2"}},
      {"common.ContainerDriver", {"CONTAINERD=0", "CRI=1"}},
      {"common.ContainerdNamespace", {"NS_UNKNOWN=0", "NS_SYSTEM=1", "NS_CRI=2"}},
      {"machine.ApplyConfigurationRequest.Mode",
       {"REBOOT=0", "AUTO=1", "NO_REBOOT=2", "STAGED=3", "TRY=4"}},
      {"machine.UpgradeRequest.RebootMode", {"DEFAULT=0", "POWERCYCLE=1"}},
      {"machine.RebootRequest.Mode", {"DEFAULT=0", "POWERCYCLE=1", "FORCE=2"}},
      {"machine.ResetRequest.WipeMode", {"ALL=0", "SYSTEM_DISK=1", "USER_DISKS=2"}},
      {"machine.EtcdMemberAlarm.AlarmType", {"NONE=0", "NOSPACE=1", "CORRUPT=2"}},
      {"machine.SequenceEvent.Action", {"NOOP=0", "START=1", "STOP=2"}},
      {"machine.ServiceStateEvent.Action",
       {"INITIALIZED=0", "PREPARING=1", "WAITING=2", "RUNNING=3", "STOPPING=4", "FINISHED=5",
        "FAILED=6", "SKIPPED=7", "STARTING=8"}},
      {"machine.MachineStatusEvent.MachineStage",
       {"UNKNOWN=0", "BOOTING=1", "INSTALLING=2", "MAINTENANCE=3", "RUNNING=4", "REBOOTING=5",
        "SHUTTING_DOWN=6", "RESETTING=7", "UPGRADING=8"}},
      {"storage.Disk.DiskType", {"UNKNOWN=0", "SSD=1", "HDD=2", "NVME=3", "SD=4", "CD=5"}},
      {"cosi.resource.EventType",
       {"CREATED=0", "UPDATED=1", "DESTROYED=2", "BOOTSTRAPPED=3", "ERRORED=4", "NOOP=5"}},
      {"cosi.resource.LabelTerm.Operation",
       {"EXISTS=0", "EQUAL=1", "NOT_EXISTS=2", "IN=3", "LT=4", "LTE=5", "LT_NUMERIC=6",
        "LTE_NUMERIC=7"}},
      {"cosi.resource.meta.ResourceDefinitionSpec.Sensitivity", {"NON_SENSITIVE=0", "SENSITIVE=1"}},
      {"talos.resource.definitions.enums.RuntimeMachineStage",
       {"MACHINE_STAGE_UNKNOWN=0", "MACHINE_STAGE_BOOTING=1", "MACHINE_STAGE_INSTALLING=2",
        "MACHINE_STAGE_MAINTENANCE=3", "MACHINE_STAGE_RUNNING=4", "MACHINE_STAGE_REBOOTING=5",
        "MACHINE_STAGE_SHUTTING_DOWN=6", "MACHINE_STAGE_RESETTING=7", "MACHINE_STAGE_UPGRADING=8"}},
      {"talos.resource.definitions.enums.MachineType",
       {"TYPE_UNKNOWN=0", "TYPE_INIT=1", "TYPE_CONTROL_PLANE=2", "TYPE_WORKER=3"}},
      {"resource.config.MachineType", {"UNKNOWN=0", "INIT=1", "CONTROL_PLANE=2", "WORKER=3"}},
  };
  for (const ExpectedEnum& e : table) {
    const gpb::EnumDescriptor* d =
        gpb::DescriptorPool::generated_pool()->FindEnumTypeByName(e.name);
    ASSERT_NE(d, nullptr) << e.name;
    EXPECT_EQ(describe_values(*d), e.values) << e.name;
  }
}

}  // namespace
