// etcd model of one emulated cluster (see etcd_cluster.h).
#include "talos/etcd_cluster.h"

namespace talos_emu {

EtcdCluster::EtcdCluster(uint64_t seed) : rng_(seed) {}

util::Result<void> EtcdCluster::bootstrap(const std::string&, const std::string&, bool) {
  return util::Error::internal("not implemented yet");
}
util::Result<EtcdMember> EtcdCluster::join(const std::string&, const std::string&) {
  return util::Error::internal("not implemented yet");
}
bool EtcdCluster::bootstrapped() const { return false; }
bool EtcdCluster::is_member(const std::string&) const { return false; }
void EtcdCluster::set_member_up(const std::string&, bool) {}
bool EtcdCluster::has_quorum() const { return false; }
util::Result<void> EtcdCluster::leave(const std::string&) {
  return util::Error::internal("not implemented yet");
}
util::Result<void> EtcdCluster::remove_member(uint64_t) {
  return util::Error::internal("not implemented yet");
}
util::Result<std::string> EtcdCluster::forfeit_leadership(const std::string&) {
  return util::Error::internal("not implemented yet");
}
std::vector<EtcdMember> EtcdCluster::members() const { return {}; }
std::string EtcdCluster::leader() const { return ""; }
util::Result<EtcdMemberStatus> EtcdCluster::status(const std::string&) const {
  return util::Error::internal("not implemented yet");
}
void EtcdCluster::put(const std::string&, const std::string&) {}
std::optional<std::string> EtcdCluster::get(const std::string&) const { return std::nullopt; }
size_t EtcdCluster::key_count() const { return 0; }
std::string EtcdCluster::snapshot() const { return ""; }
util::Result<void> EtcdCluster::stage_recovery(const std::string&) {
  return util::Error::internal("not implemented yet");
}
int EtcdCluster::quorum_losses() const { return 0; }
void EtcdCluster::reset() {}

}  // namespace talos_emu
