// `talforge node version`: the Talos version of each node; an unreachable node is reported and
// makes the exit code 1, the others are still shown.
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "cli/node_common.h"
#include "cli/verbs.h"

namespace cli {
namespace {

util::Tree version_tree(const talos::VersionInfo& v) {
  return {{"tag", v.tag},
          {"sha", v.sha},
          {"built", v.built},
          {"go_version", v.go_version},
          {"os", v.os},
          {"arch", v.arch},
          {"platform", v.platform_name},
          {"platform_mode", v.platform_mode},
          {"rbac", v.rbac}};
}

int run_node_version(const NodeOptions& opts, Context& ctx) {
  std::optional<NodeSession> session = open_node_session(opts, ctx);
  if (!session) {
    return kExitError;
  }
  int exit_code = kExitOk;
  util::Tree doc = util::Tree::array();
  std::vector<std::vector<std::string>> rows = {
      {"NODE", "TAG", "SHA", "OS/ARCH", "PLATFORM", "RBAC"}};
  for (const std::string& node : session->nodes) {
    util::Result<talos::VersionInfo> v = [&]() -> util::Result<talos::VersionInfo> {
      ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> api, node_api(*session, node));
      return api->version();
    }();
    if (!v.ok()) {
      exit_code = kExitError;
      ctx.report(std::move(v).error().with_context("node " + node));
      doc.push_back({{"node", node}, {"error", v.error().describe()}});
      continue;
    }
    doc.push_back({{"node", node}, {"version", version_tree(*v)}});
    rows.push_back({node, v->tag, v->sha.substr(0, 8), v->os + "/" + v->arch, v->platform_name,
                    v->rbac ? "enabled" : "disabled"});
  }
  if (opts.format == "table") {
    print_table(*ctx.out, rows);
  } else {
    print_tree(*ctx.out, doc, opts.format);
  }
  return exit_code;
}

}  // namespace

void register_node_version(CLI::App& node, Context& ctx) {
  auto opts = std::make_shared<NodeOptions>();
  CLI::App* cmd = node.add_subcommand("version", "Show the Talos version of each node");
  add_node_flags(*cmd, *opts);
  cmd->callback([opts, &ctx] { ctx.exit_code = run_node_version(*opts, ctx); });
}

}  // namespace cli
