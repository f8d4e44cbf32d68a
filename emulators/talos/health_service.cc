// cluster.ClusterService/HealthCheck: talos.md §7.1's checks, in order, over the emulated
// cluster, each polled until it passes or the request's wait_timeout runs out.
#include <algorithm>
#include <functional>
#include <optional>
#include <thread>

#include <google/protobuf/util/time_util.h>

#include "cluster/cluster.grpc.pb.h"
#include "emulators/talos/dispatch.h"
#include "emulators/talos/services.h"

namespace talos_emu {
namespace {

using grpc::ServerContext;
using grpc::Status;
using grpc::StatusCode;

struct View {
  std::vector<NodeSnapshot> control_planes, workers;
  std::shared_ptr<ClusterState> cluster;
  std::vector<const NodeSnapshot*> all() const {
    std::vector<const NodeSnapshot*> out;
    for (const auto& n : control_planes) out.push_back(&n);
    for (const auto& n : workers) out.push_back(&n);
    return out;
  }
};

bool service_ok(const NodeSnapshot& n, const std::string& id) {
  return std::any_of(n.services.begin(), n.services.end(), [&](const ServiceRecord& r) {
    return r.id == id && r.state == "Running" && r.healthy;
  });
}

using Check = std::function<std::optional<std::string>(const View&)>;

std::vector<std::pair<std::string, Check>> checks() {
  return {
      {"etcd to be healthy",
       [](const View& v) -> std::optional<std::string> {
         for (const auto& n : v.control_planes) {
           if (!service_ok(n, "etcd")) return "service \"etcd\" not healthy on " + n.spec.address;
         }
         return std::nullopt;
       }},
      {"etcd members to be consistent across nodes",
       [](const View& v) -> std::optional<std::string> {
         if (!v.cluster->etcd.has_quorum()) return std::string("etcd has no quorum");
         return std::nullopt;
       }},
      {"etcd members to be control plane nodes",
       [](const View& v) -> std::optional<std::string> {
         for (const auto& m : v.cluster->etcd.members()) {
           bool found = std::any_of(v.control_planes.begin(), v.control_planes.end(), [&](auto& n) {
             return m.peer_url.find("//" + n.spec.address + ":") != std::string::npos;
           });
           if (!found) return "etcd member " + m.name + " is not a control plane node";
         }
         if (v.cluster->etcd.members().size() != v.control_planes.size()) {
           return std::string("etcd member count does not match control plane count");
         }
         return std::nullopt;
       }},
      {"apid to be ready",
       [](const View& v) -> std::optional<std::string> {
         for (const auto* n : v.all()) {
           if (!n->powered || n->faults.unreachable || n->personality != Personality::Configured) {
             return n->spec.address + ": apid not reachable";
           }
         }
         return std::nullopt;
       }},
      {"all nodes memory sizes",
       [](const View& v) -> std::optional<std::string> {
         for (const auto* n : v.all()) {
           const int64_t mib = n->spec.memory_mib - 100;
           const int64_t minimum = n->control_plane() ? 1698 : 874;
           if (mib < minimum) {
             return n->spec.address + ": memory " + std::to_string(mib) + " MiB < " +
                    std::to_string(minimum) + " MiB";
           }
         }
         return std::nullopt;
       }},
      {"all nodes disk sizes",
       [](const View& v) -> std::optional<std::string> {
         for (const auto* n : v.all()) {
           if (n->spec.disk_gib < 6) return n->spec.address + ": disk smaller than 6 GiB";
         }
         return std::nullopt;
       }},
      {"no diagnostics", [](const View&) -> std::optional<std::string> { return std::nullopt; }},
      {"kubelet to be healthy",
       [](const View& v) -> std::optional<std::string> {
         for (const auto& n : v.control_planes) {
           if (!service_ok(n, "kubelet")) return "service \"kubelet\" not healthy on " + n.spec.address;
         }
         return std::nullopt;
       }},
      {"all nodes to finish boot sequence",
       [](const View& v) -> std::optional<std::string> {
         for (const auto* n : v.all()) {
           if (n->stage != machine::MachineStatusEvent::RUNNING) {
             return n->spec.address + ": stage " + stage_name(n->stage);
           }
         }
         return std::nullopt;
       }},
      {"all k8s nodes to report",
       [](const View& v) -> std::optional<std::string> {
         if (!v.cluster->kube->available()) return std::string("kubernetes API unavailable");
         for (const auto* n : v.all()) {
           if (!v.cluster->kube->node_exists(n->hostname)) return "node " + n->hostname + " not found";
         }
         return std::nullopt;
       }},
      {"all control plane static pods to be running",
       [](const View& v) -> std::optional<std::string> {
         for (const auto& n : v.control_planes) {
           if (!service_ok(n, "kubelet")) return n.spec.address + ": static pods not running";
         }
         return std::nullopt;
       }},
      {"all control plane components to be ready",
       [](const View& v) -> std::optional<std::string> {
         if (!v.cluster->kube->available()) return std::string("kubernetes API unavailable");
         return std::nullopt;
       }},
      {"all k8s nodes to report ready",
       [](const View& v) -> std::optional<std::string> {
         for (const auto* n : v.all()) {
           if (!v.cluster->kube->node_ready(n->hostname)) return "node " + n->hostname + " is not ready";
         }
         return std::nullopt;
       }},
      {"kube-proxy to report ready", [](const View&) -> std::optional<std::string> { return std::nullopt; }},
      {"coredns to report ready",
       [](const View& v) -> std::optional<std::string> {
         if (!v.cluster->kube->cni_running()) return std::string("coredns pods are pending (no CNI)");
         return std::nullopt;
       }},
      {"all k8s nodes to report schedulable",
       [](const View& v) -> std::optional<std::string> {
         for (const auto* n : v.all()) {
           if (v.cluster->kube->node_unschedulable(n->hostname)) {
             return "node " + n->hostname + " is not schedulable";
           }
         }
         return std::nullopt;
       }},
  };
}

class ClusterService final : public cluster::ClusterService::Service {
 public:
  ClusterService(Emulator& emulator, std::weak_ptr<Node> node)
      : emulator_(emulator), node_(std::move(node)) {}

  Status HealthCheck(ServerContext* context, const cluster::HealthCheckRequest* request,
                     grpc::ServerWriter<cluster::HealthCheckProgress>* writer) override {
    auto self = node_.lock();
    if (!self) return {StatusCode::UNAVAILABLE, "node is shutting down"};
    Caller caller;
    if (auto st = identify_caller(*context, Personality::Configured, &caller); !st.ok()) return st;
    if (!role_allows(caller, "HealthCheck")) return not_authorized();
    NodeSnapshot me = self->snapshot();
    if (!me.control_plane() || !me.cluster) {
      return {StatusCode::FAILED_PRECONDITION, "health check must run on a control plane node"};
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(20);
    if (request->has_wait_timeout()) {
      deadline = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(google::protobuf::util::TimeUtil::DurationToMilliseconds(
                     request->wait_timeout()));
    }
    auto say = [&](const std::string& text) {
      cluster::HealthCheckProgress p;
      p.set_message(text);
      return writer->Write(p);
    };
    auto view = [&] {
      View v;
      v.cluster = me.cluster;
      std::vector<std::string> cps(request->cluster_info().control_plane_nodes().begin(),
                                   request->cluster_info().control_plane_nodes().end());
      std::vector<std::string> workers(request->cluster_info().worker_nodes().begin(),
                                       request->cluster_info().worker_nodes().end());
      if (cps.empty() && workers.empty()) {
        for (const auto& n : emulator_.cluster_nodes(me.cluster->id)) {
          NodeSnapshot s = n->snapshot();
          if (!s.config) continue;
          (s.control_plane() ? cps : workers).push_back(s.spec.address);
        }
      }
      auto add = [&](const std::string& address, std::vector<NodeSnapshot>* into) {
        auto n = emulator_.find_node(address);
        NodeSnapshot s;
        if (n) {
          s = n->snapshot();
        } else {
          s.spec.address = address;
        }
        into->push_back(std::move(s));
      };
      for (const auto& a : cps) add(a, &v.control_planes);
      for (const auto& a : workers) add(a, &v.workers);
      return v;
    };
    {
      View v = view();
      std::string listed;
      for (const auto* n : v.all()) listed += (listed.empty() ? "\"" : " \"") + n->spec.address + "\"";
      say("discovered nodes: [" + listed + "]");
    }
    for (const auto& [name, check] : checks()) {
      say("waiting for " + name);
      std::optional<std::string> failure;
      while (true) {
        if (context->IsCancelled()) return {StatusCode::CANCELLED, "health check cancelled"};
        failure = check(view());
        if (!failure) break;
        if (std::chrono::steady_clock::now() > deadline) {
          say("waiting for " + name + ": " + *failure);
          return {StatusCode::DEADLINE_EXCEEDED,
                  "waiting for " + name + ": " + *failure + ": context deadline exceeded"};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      say("waiting for " + name + ": OK");
    }
    return Status::OK;
  }

 private:
  Emulator& emulator_;
  std::weak_ptr<Node> node_;
};

}  // namespace

std::shared_ptr<grpc::Service> make_cluster_service(Emulator& emulator, std::weak_ptr<Node> node) {
  return std::make_shared<ClusterService>(emulator, std::move(node));
}

}  // namespace talos_emu
