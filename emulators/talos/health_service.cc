// cluster.ClusterService/HealthCheck: talos.md §7.1's checks (health_checks.h) over what
// talosctl would observe of the emulated cluster (cluster_view.h), in order, each polled until it
// passes or the request's wait_timeout runs out.
#include <thread>

#include <google/protobuf/util/time_util.h>

#include "cluster/cluster.grpc.pb.h"
#include "emulators/talos/cluster_view.h"
#include "emulators/talos/dispatch.h"
#include "emulators/talos/health_checks.h"
#include "emulators/talos/services.h"

namespace talos_emu {
namespace {

using grpc::ServerContext;
using grpc::Status;
using grpc::StatusCode;

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
    std::vector<std::string> cps(request->cluster_info().control_plane_nodes().begin(),
                                 request->cluster_info().control_plane_nodes().end());
    std::vector<std::string> workers(request->cluster_info().worker_nodes().begin(),
                                     request->cluster_info().worker_nodes().end());
    if (cps.empty() && workers.empty()) discover_nodes(*me.cluster, &cps, &workers);
    {
      std::string listed;
      for (const auto* list : {&cps, &workers}) {
        for (const auto& a : *list) listed += (listed.empty() ? "\"" : " \"") + a + "\"";
      }
      say("discovered nodes: [" + listed + "]");
    }
    auto evaluate = [&] {
      return evaluate_health_checks(observe_cluster(emulator_, *me.cluster, cps, workers));
    };
    std::string last_line;  // talosctl's reporter prints a line only when it changes
    auto report = [&](const std::string& line) {
      if (line != last_line) say(line);
      last_line = line;
    };
    const size_t count = evaluate().size();
    for (size_t i = 0; i < count; ++i) {
      HealthCheckResult result = evaluate()[i];
      report(result.lines()[0]);
      while (!result.passed) {
        report(result.lines()[1]);
        if (context->IsCancelled()) return {StatusCode::CANCELLED, "health check cancelled"};
        if (std::chrono::steady_clock::now() > deadline) {
          return {StatusCode::DEADLINE_EXCEEDED,
                  result.lines()[1] + ": context deadline exceeded"};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        result = evaluate()[i];
      }
      report(result.lines()[1]);
    }
    return Status::OK;
  }

 private:
  // No node list in the request: the configured members of this node's cluster.
  void discover_nodes(const ClusterState& cluster, std::vector<std::string>* cps,
                      std::vector<std::string>* workers) {
    for (const auto& n : emulator_.cluster_nodes(cluster.id)) {
      NodeSnapshot s = n->snapshot();
      if (!s.config) continue;
      (s.control_plane() ? cps : workers)->push_back(s.spec.address);
    }
  }

  Emulator& emulator_;
  std::weak_ptr<Node> node_;
};

}  // namespace

std::shared_ptr<grpc::Service> make_cluster_service(Emulator& emulator, std::weak_ptr<Node> node) {
  return std::make_shared<ClusterService>(emulator, std::move(node));
}

}  // namespace talos_emu
