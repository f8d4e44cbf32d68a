// `talforge node health`: Talos's server-side health checks (talos.md §7.1) run by the first
// control plane that answers, with the control-plane and worker lists of the cluster file;
// progress lines are printed as they arrive. Exit code 1 when a check fails or time runs out.
#include <chrono>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/duration.h"
#include "cli/node_common.h"
#include "cli/verbs.h"

namespace cli {
namespace {

struct HealthOptions {
  NodeOptions node;
  std::string wait_timeout = "20m";
};

void print_line(Context& ctx, const std::string& format, const std::string& endpoint,
                const std::string& line) {
  if (format == "json") {
    *ctx.out << util::Tree{{"node", endpoint}, {"message", line}}.dump() << std::endl;
  } else if (format == "yaml") {
    *ctx.out << util::emit_yaml(
                    util::Tree::array({util::Tree{{"node", endpoint}, {"message", line}}}))
             << std::flush;
  } else {
    *ctx.out << line << std::endl;  // flushed: the operator watches it live
  }
}

int run_node_health(const HealthOptions& opts, Context& ctx) {
  const util::Result<std::chrono::seconds> wait =
      duration_option("--wait-timeout", opts.wait_timeout);
  if (!wait.ok()) {
    ctx.report(wait.error());
    return kExitError;
  }
  std::optional<NodeSession> session = open_node_session(opts.node, ctx);
  if (!session) {
    return kExitError;
  }
  talos::HealthCheckRequest request{
      .wait_timeout = *wait,
      .control_plane_nodes = control_plane_addresses(session->inputs.cluster),
      .worker_nodes = worker_addresses(session->inputs.cluster),
      .force_endpoint = "",
  };
  util::Error last = util::Error::unavailable("the cluster file lists no control plane");
  for (const std::string& endpoint : request.control_plane_nodes) {
    util::Result<std::unique_ptr<talos::Api>> api = node_api(*session, endpoint);
    if (!api.ok()) {
      last = std::move(api).error();
      continue;
    }
    util::Result<void> done = (*api)->health_check(
        request,
        [&](const std::string& line) {
          print_line(ctx, opts.node.format, endpoint, line);
          return true;
        },
        talos::StreamOptions{});
    if (done.ok()) {
      *ctx.err << fmt::format("cluster healthy (checked by {})\n", endpoint);
      return kExitOk;
    }
    last = std::move(done).error();
    if (last.code != util::ErrorCode::Unavailable) {
      break;  // the checks ran and failed: another control plane would not say otherwise
    }
    *ctx.err << fmt::format("{} did not answer; trying the next control plane\n", endpoint);
  }
  ctx.report(last.with_context("health"));
  return kExitError;
}

}  // namespace

void register_node_health(CLI::App& node, Context& ctx) {
  auto opts = std::make_shared<HealthOptions>();
  CLI::App* cmd = node.add_subcommand(
      "health", "Run Talos's cluster health checks on the first control plane that answers");
  add_node_flags(*cmd, opts->node, /*with_nodes=*/false);
  cmd->add_option("--wait-timeout", opts->wait_timeout,
                  "how long the checks may wait for the cluster (e.g. 90s, 20m, 1h)")
      ->capture_default_str();
  cmd->callback([opts, &ctx] { ctx.exit_code = run_node_health(*opts, ctx); });
}

}  // namespace cli
