// KubeApiServer: cpp-httplib's SSLServer in front of the router, plus watch streaming.
#include "emulators/kube/kube_api_server.h"

#include <atomic>
#include <csignal>
#include <httplib.h>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "emulators/kube/router.h"
#include "emulators/kube/tls_context.h"

namespace kube_emu {
namespace {

// How often an idle watch wakes to notice a stopped server or a vanished client.
constexpr auto kWatchSlice = std::chrono::milliseconds(500);

ApiRequest to_api_request(const httplib::Request& req, const std::string& server_address) {
  ApiRequest r;
  r.method = req.method;
  r.path = req.path;
  for (const auto& [k, v] : req.params) {
    r.query.emplace(k, v);
  }
  r.accept = req.get_header_value("Accept");
  r.content_type = req.get_header_value("Content-Type");
  r.body = req.body;
  const ClientIdentity id = peer_identity(req.ssl);
  r.user = id.user;
  r.groups = id.groups;
  r.server_address = server_address;
  return r;
}

// State of one streamed watch, shared with httplib's content provider.
struct WatchStream {
  std::shared_ptr<KubeState> state;
  std::shared_ptr<std::atomic<bool>> stopping;
  WatchSpec spec;
  std::string pending;  // initial ADDED events
  std::chrono::steady_clock::time_point deadline;

  std::string next_chunk() {
    const auto slice = std::min(deadline, std::chrono::steady_clock::now() + kWatchSlice);
    std::string out;
    for (const WatchEvent& e : state->wait_for_events(spec.resource, spec.after, slice)) {
      spec.after = e.resource_version;
      if ((!spec.ns.empty() && e.namespace_ != spec.ns) || !spec.selector.matches(e.object)) {
        continue;
      }
      out += watch_event_line(*state, spec.resource, e.type, e.object, spec.as_table);
    }
    // A bare newline between events is skipped by JSON stream decoders; writing it lets a
    // vanished client fail the write, so the worker thread is released.
    return out.empty() ? "\n" : out;
  }
};

void stream_watch(httplib::Response& res, std::shared_ptr<WatchStream> stream) {
  // Not plain "application/json": httplib would gzip that for Go clients, and its compressor
  // holds every event back until the stream ends.
  res.set_chunked_content_provider(
      "application/json;stream=watch", [stream](size_t, httplib::DataSink& sink) {
        if (!stream->pending.empty()) {
          const std::string initial = std::move(stream->pending);
          stream->pending.clear();
          return sink.write(initial.data(), initial.size());
        }
        if (stream->stopping->load() || std::chrono::steady_clock::now() >= stream->deadline) {
          sink.done();
          return true;
        }
        const std::string chunk = stream->next_chunk();
        return sink.write(chunk.data(), chunk.size());
      });
}

}  // namespace

struct KubeApiServer::Impl {
  std::shared_ptr<KubeState> state;
  std::shared_ptr<TlsMaterial> tls;
  std::unique_ptr<httplib::SSLServer> server;
  std::shared_ptr<std::atomic<bool>> stopping = std::make_shared<std::atomic<bool>>(false);
  std::thread thread;
  std::string address;
  int port = 0;

  void handle(const httplib::Request& req, httplib::Response& res) {
    const ApiRequest request = to_api_request(req, fmt::format("{}:{}", address, port));
    ApiReply reply = handle_request(*state, request);
    spdlog::debug("kube.request addr={}:{} user={} method={} path={} status={}", address, port,
                  request.user, request.method, request.path, reply.status);
    res.status = reply.status;
    if (!reply.watch) {
      res.set_content(reply.body, reply.content_type.c_str());
      return;
    }
    auto stream = std::make_shared<WatchStream>();
    stream->state = state;
    stream->stopping = stopping;
    stream->spec = std::move(*reply.watch);
    stream->pending = std::move(reply.body);
    stream->deadline = std::chrono::steady_clock::now() + stream->spec.timeout;
    stream_watch(res, std::move(stream));
  }
};

KubeApiServer::KubeApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KubeApiServer::~KubeApiServer() {
  stop();
}

util::Result<std::unique_ptr<KubeApiServer>> KubeApiServer::start(std::shared_ptr<KubeState> state,
                                                                  const std::string& address,
                                                                  int port, const ServerTls& tls) {
  // A client that hangs up mid-stream must not kill the process through SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  ASSIGN_OR_RETURN(std::shared_ptr<TlsMaterial> material, TlsMaterial::parse(tls));
  auto impl = std::make_unique<Impl>();
  impl->state = std::move(state);
  impl->tls = material;
  impl->address = address;
  impl->server = std::make_unique<httplib::SSLServer>(
      [&material](SSL_CTX& ctx) { return material->configure(ctx); });
  if (!impl->server->is_valid()) {
    return util::Error::invalid_input(
        fmt::format("cannot set up TLS for the Kubernetes API on {}:{}", address, port));
  }
  impl->server->set_tcp_nodelay(true);  // else small replies wait for delayed ACKs (~40 ms)
  Impl* raw = impl.get();
  const auto handler = [raw](const httplib::Request& req, httplib::Response& res) {
    raw->handle(req, res);
  };
  impl->server->Get(".*", handler);
  impl->server->Post(".*", handler);
  impl->server->Put(".*", handler);
  impl->server->Patch(".*", handler);
  impl->server->Delete(".*", handler);
  impl->server->set_keep_alive_timeout(2);
  if (port == 0) {
    impl->port = impl->server->bind_to_any_port(address);
  } else if (impl->server->bind_to_port(address, port)) {
    impl->port = port;
  } else {
    impl->port = -1;
  }
  if (impl->port <= 0) {
    return util::Error::unavailable(
               fmt::format("cannot listen on {}:{} for the Kubernetes API", address, port))
        .with_hint("is the address on a local interface (127.0.0.0/8 is) and the port free?");
  }
  impl->thread = std::thread([raw] { raw->server->listen_after_bind(); });
  return std::unique_ptr<KubeApiServer>(new KubeApiServer(std::move(impl)));
}

int KubeApiServer::port() const {
  return impl_->port;
}

const std::string& KubeApiServer::address() const {
  return impl_->address;
}

void KubeApiServer::stop() {
  if (!impl_ || !impl_->thread.joinable()) {
    return;
  }
  impl_->stopping->store(true);
  impl_->server->stop();
  impl_->state->stop_watches();
  impl_->thread.join();
}

}  // namespace kube_emu
