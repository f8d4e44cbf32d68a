// GrpcApi long streams: v1.13+ upgrade, etcd snapshot and recover, health check, events and COSI
// watch. Each has its own deadline (StreamOptions) and can be cancelled; none is retried (a
// half-read stream cannot be resumed transparently).
#include <algorithm>
#include <istream>
#include <map>
#include <optional>
#include <ostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "talos/grpc_api_impl.h"
#include "talos/grpc_convert.h"

namespace talos {
namespace {

constexpr std::size_t kUploadChunkBytes = 64 * 1024;

// A failure found by our side while reading a stream; it ends the stream.
struct LocalFailure {
  std::optional<util::Error> error;

  void set(util::Error e, grpc::ClientContext& context, bool& stopped) {
    error = std::move(e);
    stopped = true;
    context.TryCancel();
  }
};

util::Result<void> finish(util::Result<void> streamed, LocalFailure& local) {
  if (local.error) {
    return std::move(*local.error);
  }
  return streamed;
}

const char* pull_status_name(::machine::ImageServicePullLayerProgress_Status status) {
  switch (status) {
    case ::machine::ImageServicePullLayerProgress::DOWNLOADING:
      return "downloading";
    case ::machine::ImageServicePullLayerProgress::DOWNLOAD_COMPLETE:
      return "downloaded";
    case ::machine::ImageServicePullLayerProgress::EXTRACTING:
      return "extracting";
    case ::machine::ImageServicePullLayerProgress::EXTRACT_COMPLETE:
      return "extracted";
    case ::machine::ImageServicePullLayerProgress::ALREADY_EXISTS:
      return "already present";
    default:
      return "unknown";
  }
}

}  // namespace

void StreamCancel::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  if (stop_) {
    stop_();
  }
}

bool StreamCancel::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

void StreamCancel::attach(std::function<void()> stop) {
  std::lock_guard lock(mutex_);
  stop_ = std::move(stop);
  if (cancelled_ && stop_) {
    stop_();
  }
}

util::Result<void> GrpcApi::stream(const char* method, const StreamOptions& options,
                                   const StreamBody& body) const {
  grpc::ClientContext context;
  prepare(context, options.timeout, {});
  if (options.cancel) {
    options.cancel->attach([&context] { context.TryCancel(); });
  }
  bool stopped = false;
  const auto start = std::chrono::steady_clock::now();
  const grpc::Status status = body(context, stopped);
  if (options.cancel) {
    options.cancel->attach(nullptr);  // waits for a concurrent cancel() to finish with context
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  spdlog::debug("talos.stream method={} endpoint={} node={} status={} took_ms={}", method,
                endpoint_, options_.node, static_cast<int>(status.error_code()), took.count());
  if (status.ok() || stopped || (options.cancel && options.cancel->cancelled())) {
    return {};
  }
  CallSite s = site(method);
  s.timeout = options.timeout;
  return status_error(status, s);
}

util::Result<void> GrpcApi::lifecycle_upgrade(const LifecycleUpgradeRequest& request,
                                              const LineSink& progress,
                                              const StreamOptions& options) {
  ::common::ContainerdInstance containerd;
  containerd.set_driver(static_cast<::common::ContainerDriver>(request.driver));
  containerd.set_namespace_(static_cast<::common::ContainerdNamespace>(request.ns));

  ::machine::ImageServicePullRequest pull;
  *pull.mutable_containerd() = containerd;
  pull.set_image_ref(request.image);
  std::string pulled = request.image;
  LocalFailure local;
  std::map<std::string, int> layer_status;  // only status changes become lines
  RETURN_IF_ERROR(finish(stream("Pull", options,
                                [&](grpc::ClientContext& context, bool& stopped) {
                                  auto reader = image_->Pull(&context, pull);
                                  ::machine::ImageServicePullResponse reply;
                                  while (!stopped && reader->Read(&reply)) {
                                    if (reply.has_pull_progress()) {
                                      const auto& p = reply.pull_progress();
                                      auto [it, fresh] =
                                          layer_status.emplace(p.layer_id(), p.progress().status());
                                      if (fresh || it->second != p.progress().status()) {
                                        it->second = p.progress().status();
                                        stopped = !progress(fmt::format(
                                            "pull {}: layer {} {}", request.image, p.layer_id(),
                                            pull_status_name(p.progress().status())));
                                      }
                                    } else if (!reply.name().empty()) {
                                      pulled = reply.name();
                                      stopped = !progress("pulled " + pulled);
                                    }
                                  }
                                  if (stopped) {
                                    context.TryCancel();
                                  }
                                  return reader->Finish();
                                }),
                         local));

  ::machine::LifecycleServiceUpgradeRequest upgrade;
  *upgrade.mutable_containerd() = containerd;
  upgrade.mutable_source()->set_image_name(pulled);
  std::optional<int> exit_code;
  std::string last_line;
  RETURN_IF_ERROR(finish(stream("Upgrade",  // LifecycleService.Upgrade; same role as Upgrade
                                options,
                                [&](grpc::ClientContext& context, bool& stopped) {
                                  auto reader = lifecycle_->Upgrade(&context, upgrade);
                                  ::machine::LifecycleServiceUpgradeResponse reply;
                                  while (!stopped && reader->Read(&reply)) {
                                    const auto& p = reply.progress();
                                    if (p.has_exit_code()) {
                                      exit_code = p.exit_code();
                                    } else if (p.has_message()) {
                                      last_line = p.message();
                                      stopped = !progress(p.message());
                                    }
                                  }
                                  if (stopped) {
                                    context.TryCancel();
                                  }
                                  return reader->Finish();
                                }),
                         local));
  const std::string target = site("Upgrade").target();
  if (!exit_code) {
    return util::Error::unavailable(
               fmt::format("upgrade of {} to {} ended without an exit code", target, pulled))
        .with_hint("the node may have rebooted or lost the connection; check its version");
  }
  if (*exit_code != 0) {
    return util::Error::internal(fmt::format("upgrade of {} to {} failed with exit code {}{}",
                                             target, pulled, *exit_code,
                                             last_line.empty() ? "" : ": " + last_line))
        .with_hint("the node stays on its current version; check the installer image reference");
  }
  return {};
}

util::Result<std::uint64_t> GrpcApi::etcd_snapshot(const ChunkSink& sink,
                                                   const StreamOptions& options) {
  std::uint64_t bytes = 0;
  LocalFailure local;
  RETURN_IF_ERROR(finish(
      stream("EtcdSnapshot", options,
             [&](grpc::ClientContext& context, bool& stopped) {
               auto reader = machine_->EtcdSnapshot(&context, ::machine::EtcdSnapshotRequest());
               ::common::Data chunk;
               while (!stopped && reader->Read(&chunk)) {
                 if (util::Result<void> ok = check_metadata(chunk.metadata(), site("EtcdSnapshot"));
                     !ok.ok()) {
                   local.set(std::move(ok).error(), context, stopped);
                 } else if (util::Result<void> sunk = sink(chunk.bytes()); !sunk.ok()) {
                   local.set(std::move(sunk).error().with_context("etcd snapshot"), context,
                             stopped);
                 } else {
                   bytes += chunk.bytes().size();
                 }
               }
               return reader->Finish();
             }),
      local));
  return bytes;
}

util::Result<std::uint64_t> etcd_snapshot_to(Api& api, std::ostream& out,
                                             const StreamOptions& stream) {
  return api.etcd_snapshot(
      [&out](std::string_view chunk) -> util::Result<void> {
        out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        if (!out) {
          return util::Error::io("cannot write the snapshot (disk full?)");
        }
        return {};
      },
      stream);
}

util::Result<void> GrpcApi::etcd_recover(std::istream& snapshot, const StreamOptions& options) {
  ::machine::EtcdRecoverResponse reply;
  LocalFailure local;
  RETURN_IF_ERROR(
      finish(stream("EtcdRecover", options,
                    [&](grpc::ClientContext& context, bool& stopped) {
                      auto writer = machine_->EtcdRecover(&context, &reply);
                      std::string buffer(kUploadChunkBytes, '\0');
                      ::common::Data chunk;
                      while (snapshot) {
                        snapshot.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
                        const auto n = static_cast<std::size_t>(snapshot.gcount());
                        if (n == 0) {
                          break;
                        }
                        chunk.set_bytes(buffer.data(), n);
                        if (!writer->Write(chunk)) {
                          break;  // the server ended the call; Finish() says why
                        }
                      }
                      if (snapshot.bad()) {
                        local.set(util::Error::io("cannot read the etcd snapshot to upload"),
                                  context, stopped);
                      }
                      writer->WritesDone();
                      return writer->Finish();
                    }),
             local));
  return check_envelope(reply, site("EtcdRecover"));
}

util::Result<void> GrpcApi::health_check(const HealthCheckRequest& request,
                                         const LineSink& progress, const StreamOptions& options) {
  ::cluster::HealthCheckRequest proto;
  proto.mutable_wait_timeout()->set_seconds(request.wait_timeout.count());
  for (const std::string& node : request.control_plane_nodes) {
    proto.mutable_cluster_info()->add_control_plane_nodes(node);
  }
  for (const std::string& node : request.worker_nodes) {
    proto.mutable_cluster_info()->add_worker_nodes(node);
  }
  proto.mutable_cluster_info()->set_force_endpoint(request.force_endpoint);
  // The node gives up after wait_timeout; our deadline must not cut its verdict short.
  StreamOptions effective = options;
  effective.timeout = std::max(
      options.timeout, std::chrono::duration_cast<std::chrono::milliseconds>(request.wait_timeout) +
                           std::chrono::milliseconds(30000));
  LocalFailure local;
  return finish(
      stream("HealthCheck", effective,
             [&](grpc::ClientContext& context, bool& stopped) {
               auto reader = cluster_->HealthCheck(&context, proto);
               ::cluster::HealthCheckProgress line;
               while (!stopped && reader->Read(&line)) {
                 if (util::Result<void> ok = check_metadata(line.metadata(), site("HealthCheck"));
                     !ok.ok()) {
                   local.set(std::move(ok).error(), context, stopped);
                 } else if (!progress(line.message())) {
                   stopped = true;
                   context.TryCancel();
                 }
               }
               return reader->Finish();
             }),
      local);
}

util::Result<void> GrpcApi::events(const EventsRequest& request, const EventSink& sink,
                                   const StreamOptions& options) {
  ::machine::EventsRequest proto;
  proto.set_tail_events(request.tail_events);
  proto.set_tail_id(request.tail_id);
  proto.set_tail_seconds(request.tail_seconds);
  proto.set_with_actor_id(request.with_actor_id);
  LocalFailure local;
  return finish(
      stream("Events", options,
             [&](grpc::ClientContext& context, bool& stopped) {
               auto reader = machine_->Events(&context, proto);
               ::machine::Event message;
               while (!stopped && reader->Read(&message)) {
                 if (util::Result<void> ok = check_metadata(message.metadata(), site("Events"));
                     !ok.ok()) {
                   local.set(std::move(ok).error(), context, stopped);
                   continue;
                 }
                 if (message.data().type_url().empty()) {
                   continue;  // the hello that opens every Events stream
                 }
                 util::Result<Event> event = from_proto(message);
                 if (!event.ok()) {
                   local.set(std::move(event).error().with_context(site("Events").target()),
                             context, stopped);
                 } else if (!sink(*event)) {
                   stopped = true;
                   context.TryCancel();
                 }
               }
               return reader->Finish();
             }),
      local);
}

util::Result<void> GrpcApi::cosi_watch(const std::string& ns, const std::string& type,
                                       const std::string& id,
                                       const std::function<void()>& established,
                                       const WatchSink& sink, const StreamOptions& options) {
  ::cosi::resource::WatchRequest request;
  request.set_namespace_(ns);
  request.set_type(type);
  if (!id.empty()) {
    request.set_id(id);
  } else {
    request.mutable_options()->set_bootstrap_contents(true);
  }
  request.set_api_version(1);  // BOOTSTRAPPED and ERRORED events are sent from 1
  bool confirmed = false;
  util::Result<void> done =
      stream("Watch", options, [&](grpc::ClientContext& context, bool& stopped) {
        auto reader = state_->Watch(&context, request);
        ::cosi::resource::WatchResponse reply;
        while (!stopped && reader->Read(&reply)) {
          if (!confirmed) {
            confirmed = true;
            if (established) {
              established();
            }
            if (reply.event_size() == 0) {
              continue;  // the "watch established" marker
            }
          }
          for (const auto& e : reply.event()) {
            if (!sink(from_proto(e))) {
              stopped = true;
              context.TryCancel();
              break;
            }
          }
        }
        return reader->Finish();
      });
  if (!done.ok()) {
    return std::move(done).error().with_context(
        fmt::format("watch {} {}{}", ns, type, id.empty() ? "" : "/" + id));
  }
  return {};
}

}  // namespace talos
