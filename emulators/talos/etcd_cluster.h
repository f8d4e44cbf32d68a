// The etcd of one emulated Talos cluster as a pure, thread-safe model: bootstrap, membership,
// quorum, leadership, key/values, snapshot and recovery. No timing and no I/O: the emulator's
// nodes drive it (power, reboot, reset) and its RPC handlers read it.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "util/result.h"

namespace talos_emu {

struct EtcdMember {
  uint64_t id = 0;
  std::string name;                  // node hostname
  std::string peer_url, client_url;  // https://<ip>:2380, https://<ip>:2379
  bool learner = false;
  bool up = true;
};

// What EtcdStatus reports for the local member.
struct EtcdMemberStatus {
  uint64_t member_id = 0;
  std::string protocol_version = "3.5.0";
  int64_t db_size = 0;
  int64_t db_size_in_use = 0;
  uint64_t leader = 0;
  uint64_t raft_index = 0;
  uint64_t raft_term = 0;
  uint64_t raft_applied_index = 0;
  std::vector<std::string> errors;
  bool is_learner = false;
};

class EtcdCluster {
 public:
  explicit EtcdCluster(uint64_t seed = std::random_device{}());

  // Creates a single-member cluster on control plane `name`. AlreadyExists "etcd data directory
  // is not empty" when the cluster is already bootstrapped. With `recover_etcd` the key/values come
  // from the snapshot staged by stage_recovery (Conflict when none is staged).
  util::Result<void> bootstrap(const std::string& name, const std::string& ip,
                               bool recover_etcd = false);
  // Another control plane joins (Conflict before bootstrap; returns the existing member when the
  // name is already a member, e.g. after a reboot).
  util::Result<EtcdMember> join(const std::string& name, const std::string& ip);
  bool bootstrapped() const;
  bool is_member(const std::string& name) const;

  void set_member_up(const std::string& name, bool up);  // node power / reboot
  bool has_quorum() const;                               // strict majority of members up

  // EtcdLeaveCluster on node `name`: NotFound when not a member; Conflict when it is the last one.
  util::Result<void> leave(const std::string& name);
  util::Result<void> remove_member(uint64_t id);  // NotFound when unknown
  // Moves leadership away from `name`: returns the new leader's name, "" when `name` was not the
  // leader. Conflict when the cluster has a single member or no other member is up.
  util::Result<std::string> forfeit_leadership(const std::string& name);

  std::vector<EtcdMember> members() const;
  std::string leader() const;  // "" when no quorum / not bootstrapped
  util::Result<EtcdMemberStatus> status(const std::string& name) const;  // NotFound: not a member

  void put(const std::string& key, const std::string& value);
  std::optional<std::string> get(const std::string& key) const;
  size_t key_count() const;

  // Bytes of all key/values with a header and checksum (format: etcd_cluster.cc).
  std::string snapshot() const;
  // EtcdRecover: verifies the snapshot (InvalidInput when corrupt) and stages it for
  // bootstrap(recover_etcd=true). Conflict ("etcd is already bootstrapped") once bootstrapped.
  util::Result<void> stage_recovery(const std::string& snapshot_bytes);

  int quorum_losses() const;  // transitions quorum → no quorum
  void reset();               // all control planes wiped: no members, no data, nothing staged
  // Member `name`'s data directory was wiped (reset of EPHEMERAL). It stays listed (down) until it
  // rejoins; once every member's copy is gone the cluster is gone too (reset). True then.
  bool wipe_member_data(const std::string& name);

 private:
  void update_quorum_locked();
  void elect_leader_locked();
  bool has_quorum_locked() const;
  EtcdMember* find_locked(const std::string& name);
  const EtcdMember* find_locked(const std::string& name) const;
  uint64_t new_id_locked();

  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  std::vector<EtcdMember> members_;
  uint64_t leader_id_ = 0;
  uint64_t raft_term_ = 0;
  uint64_t raft_index_ = 0;
  std::map<std::string, std::string> data_;
  std::optional<std::map<std::string, std::string>> staged_;
  std::set<std::string> wiped_;  // members whose data directory is gone
  bool had_quorum_ = false;
  int quorum_losses_ = 0;
};

}  // namespace talos_emu
