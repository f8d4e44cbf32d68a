// The HTTP semantics of the API server, free of any transport: one request in, one reply out
// (watches are described, and streamed by the server). kubernetes.md §2–§6.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulators/kube/kube_state.h"
#include "emulators/kube/selector.h"

namespace kube_emu {

struct ApiRequest {
  std::string method;                             // GET, POST, PATCH, PUT, DELETE
  std::string path;                               // URL-decoded path, no query
  std::multimap<std::string, std::string> query;  // URL-decoded
  std::string accept;
  std::string content_type;
  std::string body;
  std::string user;                 // client certificate CN
  std::vector<std::string> groups;  // client certificate O values
  std::string server_address;       // "ip:port" the client connected to
};

// A watch the server streams after the reply's body (the initial ADDED events).
struct WatchSpec {
  std::string resource;
  std::string ns;  // empty = all namespaces (or cluster-scoped)
  Selector selector;
  uint64_t after = 0;  // stream events with resourceVersion > after
  std::chrono::seconds timeout{0};
  bool as_table = false;
};

struct ApiReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::optional<WatchSpec> watch;
};

ApiReply handle_request(KubeState& state, const ApiRequest& request);

// One line of a watch stream ("{"type":"ADDED","object":{…}}\n"); the object is rendered as a
// one-row Table when the client asked for Tables.
std::string watch_event_line(const KubeState& state, const std::string& resource,
                             WatchEventType type, const nlohmann::json& object, bool as_table);

}  // namespace kube_emu
