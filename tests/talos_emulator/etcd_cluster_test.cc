// Tests of the emulator's etcd model: bootstrap once, joins, quorum, leadership, leave/remove,
// snapshot and recovery.
#include "emulators/talos/etcd_cluster.h"

#include <set>

#include <gtest/gtest.h>

namespace talos_emu {
namespace {

void form_three_members(EtcdCluster& etcd) {
  ASSERT_TRUE(etcd.bootstrap("cp-1", "127.10.0.11").ok());
  ASSERT_TRUE(etcd.join("cp-2", "127.10.0.12").ok());
  ASSERT_TRUE(etcd.join("cp-3", "127.10.0.13").ok());
}

TEST(EtcdCluster, BootstrapsOnceThenAnswersAlreadyExists) {
  EtcdCluster etcd(1);
  EXPECT_FALSE(etcd.bootstrapped());
  ASSERT_TRUE(etcd.bootstrap("cp-1", "127.10.0.11").ok());
  EXPECT_TRUE(etcd.bootstrapped());
  auto again = etcd.bootstrap("cp-2", "127.10.0.12");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, util::ErrorCode::AlreadyExists);
  EXPECT_EQ(again.error().message, "etcd data directory is not empty");
  auto same = etcd.bootstrap("cp-1", "127.10.0.11");
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error().code, util::ErrorCode::AlreadyExists);
  ASSERT_EQ(etcd.members().size(), 1u);
  EXPECT_EQ(etcd.leader(), "cp-1");
}

TEST(EtcdCluster, MembersCarryUrlsAndDistinctNonzeroIds) {
  EtcdCluster etcd(42);
  form_three_members(etcd);
  auto members = etcd.members();
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[1].name, "cp-2");
  EXPECT_EQ(members[1].peer_url, "https://127.10.0.12:2380");
  EXPECT_EQ(members[1].client_url, "https://127.10.0.12:2379");
  std::set<uint64_t> ids;
  for (const auto& m : members) {
    EXPECT_NE(m.id, 0u);
    ids.insert(m.id);
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(etcd.leader(), "cp-1");
}

TEST(EtcdCluster, JoinBeforeBootstrapIsRefused) {
  EtcdCluster etcd(1);
  auto r = etcd.join("cp-2", "127.10.0.12");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::Conflict);
}

TEST(EtcdCluster, RejoinAfterRebootKeepsTheMemberId) {
  EtcdCluster etcd(42);
  form_three_members(etcd);
  uint64_t id = etcd.members()[1].id;
  auto again = etcd.join("cp-2", "127.10.0.12");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, id);
  EXPECT_EQ(etcd.members().size(), 3u);
}

TEST(EtcdCluster, CountsQuorumLossWhenTwoOfThreeGoDown) {
  EtcdCluster etcd(42);
  form_three_members(etcd);
  EXPECT_TRUE(etcd.has_quorum());
  etcd.set_member_up("cp-3", false);
  EXPECT_TRUE(etcd.has_quorum());
  EXPECT_EQ(etcd.quorum_losses(), 0);
  etcd.set_member_up("cp-2", false);
  EXPECT_FALSE(etcd.has_quorum());
  EXPECT_EQ(etcd.quorum_losses(), 1);
  EXPECT_EQ(etcd.leader(), "");
  etcd.set_member_up("cp-1", false);
  EXPECT_EQ(etcd.quorum_losses(), 1);  // still without quorum: no new transition
  etcd.set_member_up("cp-2", true);
  etcd.set_member_up("cp-3", true);
  EXPECT_TRUE(etcd.has_quorum());
  EXPECT_EQ(etcd.leader(), "cp-2");
  etcd.set_member_up("cp-2", false);
  etcd.set_member_up("cp-3", false);
  EXPECT_EQ(etcd.quorum_losses(), 2);
}

TEST(EtcdCluster, LeaderMovesWhenItGoesDownAndQuorumRemains) {
  EtcdCluster etcd(42);
  form_three_members(etcd);
  etcd.set_member_up("cp-1", false);
  EXPECT_EQ(etcd.leader(), "cp-2");
  etcd.set_member_up("cp-1", true);
  EXPECT_EQ(etcd.leader(), "cp-2");
}

TEST(EtcdCluster, LeaveAndRemoveShrinkMembership) {
  EtcdCluster etcd(42);
  form_three_members(etcd);
  ASSERT_TRUE(etcd.leave("cp-3").ok());
  EXPECT_FALSE(etcd.is_member("cp-3"));
  auto missing = etcd.leave("cp-3");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, util::ErrorCode::NotFound);

  uint64_t cp2 = etcd.members()[1].id;
  ASSERT_TRUE(etcd.remove_member(cp2).ok());
  ASSERT_EQ(etcd.members().size(), 1u);
  auto unknown = etcd.remove_member(cp2);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, util::ErrorCode::NotFound);
  EXPECT_NE(unknown.error().message.find("not found"), std::string::npos);

  auto last = etcd.leave("cp-1");
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.error().code, util::ErrorCode::Conflict);
}

TEST(EtcdCluster, RemovingTheLeaderElectsAnother) {
  EtcdCluster etcd(42);
  form_three_members(etcd);
  ASSERT_TRUE(etcd.leave("cp-1").ok());
  EXPECT_EQ(etcd.leader(), "cp-2");
  EXPECT_TRUE(etcd.has_quorum());
}

TEST(EtcdCluster, ForfeitLeadershipMovesItToAnotherUpMember) {
  EtcdCluster etcd(42);
  form_three_members(etcd);
  etcd.set_member_up("cp-2", false);
  auto moved = etcd.forfeit_leadership("cp-1");
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, "cp-3");
  EXPECT_EQ(etcd.leader(), "cp-3");
  auto not_leader = etcd.forfeit_leadership("cp-1");
  ASSERT_TRUE(not_leader.ok());
  EXPECT_EQ(*not_leader, "");
}

TEST(EtcdCluster, ForfeitLeadershipOnSingleMemberFails) {
  EtcdCluster etcd(7);
  ASSERT_TRUE(etcd.bootstrap("cp-1", "127.10.0.11").ok());
  auto r = etcd.forfeit_leadership("cp-1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::Conflict);
}

TEST(EtcdCluster, StatusReportsLocalMemberAndLeader) {
  EtcdCluster etcd(42);
  form_three_members(etcd);
  etcd.put("/registry/a", "1");
  auto s = etcd.status("cp-2");
  ASSERT_TRUE(s.ok());
  auto members = etcd.members();
  EXPECT_EQ(s->member_id, members[1].id);
  EXPECT_EQ(s->leader, members[0].id);
  EXPECT_GT(s->db_size, 0);
  EXPECT_GT(s->raft_term, 0u);
  EXPECT_GT(s->raft_index, 0u);
  EXPECT_FALSE(etcd.status("wk-1").ok());
}

TEST(EtcdCluster, SnapshotResetRecoverBootstrapKeepsKeyValues) {
  EtcdCluster etcd(42);
  form_three_members(etcd);
  etcd.put("/registry/namespaces/demo", "demo-ns");
  etcd.put("/registry/pods/demo/web", std::string("bin\0ary", 7));
  std::string snap = etcd.snapshot();
  etcd.put("/registry/after-snapshot", "lost");

  auto staged_while_running = etcd.stage_recovery(snap);
  ASSERT_FALSE(staged_while_running.ok());
  EXPECT_EQ(staged_while_running.error().code, util::ErrorCode::Conflict);

  etcd.reset();
  EXPECT_FALSE(etcd.bootstrapped());
  EXPECT_EQ(etcd.key_count(), 0u);
  ASSERT_TRUE(etcd.stage_recovery(snap).ok());
  ASSERT_TRUE(etcd.bootstrap("cp-2", "127.10.0.12", /*recover_etcd=*/true).ok());
  EXPECT_EQ(etcd.get("/registry/namespaces/demo"), "demo-ns");
  EXPECT_EQ(etcd.get("/registry/pods/demo/web"), std::string("bin\0ary", 7));
  EXPECT_EQ(etcd.get("/registry/after-snapshot"), std::nullopt);
  EXPECT_EQ(etcd.leader(), "cp-2");
}

TEST(EtcdCluster, BootstrapWithoutRecoverIgnoresNothingStagedAndStartsEmpty) {
  EtcdCluster etcd(3);
  auto r = etcd.bootstrap("cp-1", "127.10.0.11", /*recover_etcd=*/true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::Conflict);
  ASSERT_TRUE(etcd.bootstrap("cp-1", "127.10.0.11").ok());
  EXPECT_EQ(etcd.key_count(), 0u);
}

TEST(EtcdCluster, CorruptOrTruncatedSnapshotIsRejected) {
  EtcdCluster etcd(5);
  ASSERT_TRUE(etcd.bootstrap("cp-1", "127.10.0.11").ok());
  etcd.put("k", "value");
  std::string snap = etcd.snapshot();
  etcd.reset();

  std::string flipped = snap;
  flipped[flipped.size() / 2] ^= 0x01;
  auto r1 = etcd.stage_recovery(flipped);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().code, util::ErrorCode::InvalidInput);
  EXPECT_NE(r1.error().message.find("integrity"), std::string::npos);

  auto r2 = etcd.stage_recovery(snap.substr(0, snap.size() - 5));
  ASSERT_FALSE(r2.ok());
  EXPECT_FALSE(etcd.stage_recovery("not a snapshot").ok());
  EXPECT_FALSE(etcd.stage_recovery("").ok());
  EXPECT_TRUE(etcd.stage_recovery(snap).ok());
}

TEST(EtcdCluster, ResetWipesMembersAndData) {
  EtcdCluster etcd(42);
  form_three_members(etcd);
  etcd.put("k", "v");
  etcd.reset();
  EXPECT_TRUE(etcd.members().empty());
  EXPECT_FALSE(etcd.has_quorum());
  EXPECT_EQ(etcd.get("k"), std::nullopt);
  EXPECT_TRUE(etcd.bootstrap("cp-3", "127.10.0.13").ok());
}

}  // namespace
}  // namespace talos_emu
