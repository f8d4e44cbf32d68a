// A kube::HttpTransport that answers from a script, for behaviour the emulator cannot show
// (PodDisruptionBudget 429s, a server that answers a watch with a plain list).
#pragma once

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "kube/http.h"

namespace kube_test {

struct ScriptedWatch {
  kube::WatchEnd end = kube::WatchEnd::Closed;
  int status = 200;
  std::vector<std::string> lines;
};

class ScriptedTransport final : public kube::HttpTransport {
 public:
  // Answers by "METHOD path" prefix, first match used up; unmatched requests get a 404 Status.
  std::deque<std::pair<std::string, kube::HttpResponse>> script;
  std::deque<ScriptedWatch> watches;  // used in order; none left = an Unavailable error
  std::vector<std::string> sent;      // "METHOD path" of every request, watches included

  util::Result<kube::HttpResponse> send(const kube::HttpRequest& request) override {
    const std::string what = request.method + " " + request.path;
    sent.push_back(what);
    for (auto it = script.begin(); it != script.end(); ++it) {
      if (what.rfind(it->first, 0) == 0) {
        kube::HttpResponse response = it->second;
        script.erase(it);
        return response;
      }
    }
    return kube::HttpResponse{404, R"({"kind":"Status","message":"not scripted"})"};
  }

  util::Result<kube::WatchEnd> watch(const kube::HttpRequest& request, std::chrono::milliseconds,
                                     const kube::WatchLineFn& on_line,
                                     kube::HttpResponse& response) override {
    sent.push_back("WATCH " + request.path);
    if (watches.empty()) {
      return util::Error::unavailable("no watch scripted");
    }
    ScriptedWatch w = watches.front();
    watches.pop_front();
    response.status = w.status;
    for (const std::string& line : w.lines) {
      if (w.status == 200 && !on_line(line)) {
        return kube::WatchEnd::Stopped;
      }
    }
    return w.end;
  }

  const std::string& server() const override { return server_; }

 private:
  std::string server_ = "https://127.10.120.2:6443";
};

}  // namespace kube_test
