// etcd model of one emulated cluster (see etcd_cluster.h).
#include "emulators/talos/etcd_cluster.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <openssl/evp.h>

namespace talos_emu {

namespace {

// Snapshot layout: magic, little-endian u64 entry count, then per entry u64 key length, key,
// u64 value length, value; then SHA-256 of everything before it (as etcd appends its own hash).
constexpr std::string_view kSnapshotMagic = "talos-emu-etcd-snapshot-v1\n";
constexpr size_t kDigestSize = 32;
// A freshly created etcd backend file is this large before any user key is written.
constexpr int64_t kEmptyDbSize = 20480;

void append_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

bool read_u64(std::string_view& in, uint64_t& v) {
  if (in.size() < 8) {
    return false;
  }
  v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  }
  in.remove_prefix(8);
  return true;
}

bool read_bytes(std::string_view& in, std::string& out) {
  uint64_t n = 0;
  if (!read_u64(in, n) || n > in.size()) {
    return false;
  }
  out.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

std::string sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), len);
}

util::Result<std::map<std::string, std::string>> decode_snapshot(std::string_view bytes) {
  if (bytes.size() < kSnapshotMagic.size() + 8 + kDigestSize ||
      bytes.substr(0, kSnapshotMagic.size()) != kSnapshotMagic) {
    return util::Error::invalid_input("snapshot is not an etcd snapshot (bad header)");
  }
  std::string_view body = bytes.substr(0, bytes.size() - kDigestSize);
  if (sha256(body) != bytes.substr(bytes.size() - kDigestSize)) {
    return util::Error::invalid_input("snapshot file integrity check failed: sha256 mismatch");
  }
  body.remove_prefix(kSnapshotMagic.size());
  uint64_t count = 0;
  read_u64(body, count);
  std::map<std::string, std::string> data;
  for (uint64_t i = 0; i < count; ++i) {
    std::string key, value;
    if (!read_bytes(body, key) || !read_bytes(body, value)) {
      return util::Error::invalid_input("snapshot is truncated");
    }
    data[key] = value;
  }
  return data;
}

std::string member_hex(uint64_t id) {
  return fmt::format("{:x}", id);
}

}  // namespace

EtcdCluster::EtcdCluster(uint64_t seed) : rng_(seed) {}

uint64_t EtcdCluster::new_id_locked() {
  for (;;) {
    uint64_t id = rng_();
    bool taken = std::any_of(members_.begin(), members_.end(),
                             [&](const EtcdMember& m) { return m.id == id; });
    if (id != 0 && !taken) {
      return id;
    }
  }
}

EtcdMember* EtcdCluster::find_locked(const std::string& name) {
  for (EtcdMember& m : members_) {
    if (m.name == name) {
      return &m;
    }
  }
  return nullptr;
}

const EtcdMember* EtcdCluster::find_locked(const std::string& name) const {
  return const_cast<EtcdCluster*>(this)->find_locked(name);
}

bool EtcdCluster::has_quorum_locked() const {
  if (members_.empty()) {
    return false;
  }
  size_t up =
      std::count_if(members_.begin(), members_.end(), [](const EtcdMember& m) { return m.up; });
  return up * 2 > members_.size();
}

void EtcdCluster::elect_leader_locked() {
  if (!has_quorum_locked()) {
    leader_id_ = 0;
    return;
  }
  for (const EtcdMember& m : members_) {
    if (m.id == leader_id_ && m.up) {
      return;
    }
  }
  for (const EtcdMember& m : members_) {
    if (m.up && !m.learner) {
      leader_id_ = m.id;
      ++raft_term_;
      ++raft_index_;
      return;
    }
  }
}

void EtcdCluster::update_quorum_locked() {
  bool quorum = has_quorum_locked();
  if (had_quorum_ && !quorum) {
    ++quorum_losses_;
  }
  had_quorum_ = quorum;
  elect_leader_locked();
}

util::Result<void> EtcdCluster::bootstrap(const std::string& name, const std::string& ip,
                                          bool recover_etcd) {
  std::lock_guard lock(mu_);
  if (!members_.empty()) {
    return util::Error::already_exists("etcd data directory is not empty");
  }
  if (recover_etcd) {
    if (!staged_) {
      return util::Error::conflict("no etcd snapshot was uploaded for recovery")
          .with_hint("upload one with EtcdRecover before Bootstrap with recover_etcd");
    }
    data_ = std::move(*staged_);
    staged_.reset();
  }
  EtcdMember member{new_id_locked(), name, "https://" + ip + ":2380", "https://" + ip + ":2379"};
  members_.push_back(member);
  leader_id_ = 0;
  update_quorum_locked();
  return {};
}

util::Result<EtcdMember> EtcdCluster::join(const std::string& name, const std::string& ip) {
  std::lock_guard lock(mu_);
  if (members_.empty()) {
    return util::Error::conflict("etcd cluster is not bootstrapped yet")
        .with_hint("call Bootstrap on one control-plane node first");
  }
  if (EtcdMember* existing = find_locked(name)) {
    wiped_.erase(name);  // its data comes back from the others
    return *existing;
  }
  if (!has_quorum_locked()) {
    return util::Error::unavailable("etcd cluster has no quorum: cannot add member " + name);
  }
  EtcdMember member{new_id_locked(), name, "https://" + ip + ":2380", "https://" + ip + ":2379"};
  members_.push_back(member);
  ++raft_index_;
  update_quorum_locked();
  return member;
}

bool EtcdCluster::bootstrapped() const {
  std::lock_guard lock(mu_);
  return !members_.empty();
}

bool EtcdCluster::is_member(const std::string& name) const {
  std::lock_guard lock(mu_);
  return find_locked(name) != nullptr;
}

void EtcdCluster::set_member_up(const std::string& name, bool up) {
  std::lock_guard lock(mu_);
  if (EtcdMember* m = find_locked(name)) {
    m->up = up;
    update_quorum_locked();
  }
}

bool EtcdCluster::has_quorum() const {
  std::lock_guard lock(mu_);
  return has_quorum_locked();
}

util::Result<void> EtcdCluster::leave(const std::string& name) {
  uint64_t id = 0;
  {
    std::lock_guard lock(mu_);
    const EtcdMember* m = find_locked(name);
    if (m == nullptr) {
      return util::Error::not_found("node " + name + " is not a member of the etcd cluster");
    }
    id = m->id;
  }
  return remove_member(id);
}

util::Result<void> EtcdCluster::remove_member(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(members_.begin(), members_.end(),
                         [&](const EtcdMember& m) { return m.id == id; });
  if (it == members_.end()) {
    return util::Error::not_found("etcd member " + member_hex(id) + " not found");
  }
  if (members_.size() == 1) {
    return util::Error::conflict("cannot remove " + it->name +
                                 ": it is the last member of the etcd cluster")
        .with_hint("reset all control planes instead");
  }
  if (!has_quorum_locked()) {
    return util::Error::unavailable("etcd cluster has no quorum: cannot remove member " +
                                    member_hex(id));
  }
  members_.erase(it);
  ++raft_index_;
  update_quorum_locked();
  return {};
}

util::Result<std::string> EtcdCluster::forfeit_leadership(const std::string& name) {
  std::lock_guard lock(mu_);
  const EtcdMember* self = find_locked(name);
  if (self == nullptr) {
    return util::Error::not_found("node " + name + " is not a member of the etcd cluster");
  }
  if (members_.size() == 1) {
    return util::Error::conflict("cannot forfeit leadership: " + name +
                                 " is the only member of the etcd cluster");
  }
  if (self->id != leader_id_) {
    return std::string();
  }
  for (const EtcdMember& m : members_) {
    if (m.id != self->id && m.up && !m.learner) {
      leader_id_ = m.id;
      ++raft_term_;
      ++raft_index_;
      return m.name;
    }
  }
  return util::Error::conflict("cannot forfeit leadership: no other etcd member is up");
}

std::vector<EtcdMember> EtcdCluster::members() const {
  std::lock_guard lock(mu_);
  return members_;
}

std::string EtcdCluster::leader() const {
  std::lock_guard lock(mu_);
  for (const EtcdMember& m : members_) {
    if (m.id == leader_id_) {
      return m.name;
    }
  }
  return "";
}

util::Result<EtcdMemberStatus> EtcdCluster::status(const std::string& name) const {
  std::lock_guard lock(mu_);
  const EtcdMember* m = find_locked(name);
  if (m == nullptr) {
    return util::Error::not_found("node " + name + " is not a member of the etcd cluster");
  }
  EtcdMemberStatus s;
  s.member_id = m->id;
  int64_t bytes = 0;
  for (const auto& [k, v] : data_) {
    bytes += static_cast<int64_t>(k.size() + v.size());
  }
  // bbolt grows in 4 KiB pages; report in-use rounded up like etcd does.
  s.db_size_in_use = kEmptyDbSize + ((bytes + 4095) / 4096) * 4096;
  s.db_size = s.db_size_in_use;
  s.leader = leader_id_;
  s.raft_index = raft_index_;
  s.raft_applied_index = raft_index_;
  s.raft_term = raft_term_;
  s.is_learner = m->learner;
  if (!has_quorum_locked()) {
    s.errors.push_back("etcdserver: no leader");
  }
  return s;
}

void EtcdCluster::put(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  data_[key] = value;
  ++raft_index_;
}

std::optional<std::string> EtcdCluster::get(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = data_.find(key);
  if (it == data_.end()) {
    return std::nullopt;
  }
  return it->second;
}

size_t EtcdCluster::key_count() const {
  std::lock_guard lock(mu_);
  return data_.size();
}

std::string EtcdCluster::snapshot() const {
  std::lock_guard lock(mu_);
  std::string out(kSnapshotMagic);
  append_u64(out, data_.size());
  for (const auto& [k, v] : data_) {
    append_u64(out, k.size());
    out += k;
    append_u64(out, v.size());
    out += v;
  }
  out += sha256(out);
  return out;
}

util::Result<void> EtcdCluster::stage_recovery(const std::string& snapshot_bytes) {
  ASSIGN_OR_RETURN(auto data, decode_snapshot(snapshot_bytes));
  std::lock_guard lock(mu_);
  if (!members_.empty()) {
    return util::Error::conflict("etcd is already bootstrapped: recovery needs a wiped cluster")
        .with_hint("reset every control plane first, then upload the snapshot");
  }
  staged_ = std::move(data);
  return {};
}

int EtcdCluster::quorum_losses() const {
  std::lock_guard lock(mu_);
  return quorum_losses_;
}

bool EtcdCluster::wipe_member_data(const std::string& name) {
  {
    std::lock_guard lock(mu_);
    if (find_locked(name) == nullptr) {
      return false;
    }
    wiped_.insert(name);
    if (std::any_of(members_.begin(), members_.end(),
                    [&](const EtcdMember& m) { return wiped_.count(m.name) == 0; })) {
      return false;
    }
  }
  reset();
  return true;
}

void EtcdCluster::reset() {
  std::lock_guard lock(mu_);
  wiped_.clear();
  members_.clear();
  data_.clear();
  staged_.reset();
  leader_id_ = 0;
  raft_term_ = 0;
  raft_index_ = 0;
  had_quorum_ = false;
}

}  // namespace talos_emu
