// `talforge node services`: the Talos services of each node (state, health, last event), like
// `talosctl services`; an unreachable node is reported and makes the exit code 1.
#include <chrono>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/node_common.h"
#include "cli/verbs.h"

namespace cli {
namespace {

std::string health_word(const talos::ServiceInfo& s) {
  if (s.health_unknown) {
    return "?";
  }
  return s.healthy ? "OK" : "Fail";
}

std::string age(std::int64_t unix_seconds) {
  if (unix_seconds == 0) {
    return "";
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const std::int64_t s = std::max<std::int64_t>(0, now - unix_seconds);
  if (s < 120)
    return fmt::format("{}s ago", s);
  if (s < 7200)
    return fmt::format("{}m{}s ago", s / 60, s % 60);
  if (s < 172800)
    return fmt::format("{}h{}m ago", s / 3600, s / 60 % 60);
  return fmt::format("{}d{}h ago", s / 86400, s / 3600 % 24);
}

util::Tree service_tree(const talos::ServiceInfo& s) {
  const talos::ServiceEvent* last = s.events.empty() ? nullptr : &s.events.back();
  return {{"id", s.id},
          {"state", s.state},
          {"health", health_word(s)},
          {"health_message", s.health_message},
          {"last_event", last != nullptr ? last->msg : ""},
          {"last_change_unix", last != nullptr ? last->unix_seconds : 0}};
}

int run_node_services(const NodeOptions& opts, Context& ctx) {
  std::optional<NodeSession> session = open_node_session(opts, ctx);
  if (!session) {
    return kExitError;
  }
  int exit_code = kExitOk;
  util::Tree doc = util::Tree::array();
  std::vector<std::vector<std::string>> rows = {
      {"NODE", "SERVICE", "STATE", "HEALTH", "LAST CHANGE", "LAST EVENT"}};
  for (const std::string& node : session->nodes) {
    util::Result<std::vector<talos::ServiceInfo>> services =
        [&]() -> util::Result<std::vector<talos::ServiceInfo>> {
      ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> api, node_api(*session, node));
      return api->service_list();
    }();
    if (!services.ok()) {
      exit_code = kExitError;
      ctx.report(std::move(services).error().with_context("node " + node));
      doc.push_back({{"node", node}, {"error", services.error().describe()}});
      continue;
    }
    util::Tree list = util::Tree::array();
    for (const talos::ServiceInfo& s : *services) {
      list.push_back(service_tree(s));
      const talos::ServiceEvent* last = s.events.empty() ? nullptr : &s.events.back();
      rows.push_back({node, s.id, s.state, health_word(s),
                      last != nullptr ? age(last->unix_seconds) : "",
                      last != nullptr ? last->msg : ""});
    }
    doc.push_back({{"node", node}, {"services", list}});
  }
  if (opts.format == "table") {
    print_table(*ctx.out, rows);
  } else {
    print_tree(*ctx.out, doc, opts.format);
  }
  return exit_code;
}

}  // namespace

void register_node_services(CLI::App& node, Context& ctx) {
  auto opts = std::make_shared<NodeOptions>();
  CLI::App* cmd = node.add_subcommand("services", "List the Talos services of each node");
  add_node_flags(*cmd, *opts);
  cmd->callback([opts, &ctx] { ctx.exit_code = run_node_services(*opts, ctx); });
}

}  // namespace cli
