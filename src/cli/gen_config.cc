// `talforge gen config`: one machine config per node plus a talosconfig, from cluster.yaml and
// its secrets bundle. Nothing is written unless every config could be generated.
#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cluster_inputs.h"
#include "cli/context.h"
#include "cli/verbs.h"
#include "engine/admin_talosconfig.h"
#include "talos/cluster_configs.h"
#include "util/file.h"

namespace cli {
namespace {

struct GenConfigOptions {
  std::string file = "cluster.yaml";
  std::string out_dir = "out";
};

util::Result<void> write_outputs(const std::string& dir,
                                 const std::vector<talos::NodeConfig>& configs,
                                 const secrets::Secret& talosconfig, Context& ctx) {
  RETURN_IF_ERROR(util::make_dirs(dir, 0700));
  for (const talos::NodeConfig& c : configs) {
    const std::string path = fmt::format("{}/{}.yaml", dir, c.node);
    RETURN_IF_ERROR(util::write_file_atomic(path, c.yaml, util::kSecretFileMode));
    *ctx.out << path << "\n";
  }
  const std::string path = dir + "/talosconfig";
  RETURN_IF_ERROR(util::write_file_atomic(path, talosconfig.reveal(), util::kSecretFileMode));
  *ctx.out << path << "\n";
  return {};
}

int run_gen_config(const GenConfigOptions& opts, Context& ctx) {
  std::optional<ClusterInputs> inputs = load_cluster_inputs(opts.file, ctx);
  if (!inputs) {
    return kExitError;
  }
  util::Result<std::vector<talos::NodeConfig>> configs = talos::generate_cluster_configs(
      inputs->cluster, inputs->config_secrets, inputs->schematic_id);
  if (!configs.ok()) {
    ctx.report(configs.error());
    return kExitError;
  }
  util::Result<secrets::Secret> talosconfig =
      engine::admin_talosconfig(inputs->cluster, inputs->bundle, std::chrono::system_clock::now());
  if (!talosconfig.ok()) {
    ctx.report(std::move(talosconfig).error().with_context("talosconfig"));
    return kExitError;
  }
  if (util::Result<void> w = write_outputs(opts.out_dir, *configs, *talosconfig, ctx); !w.ok()) {
    ctx.report(w.error());
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

void register_gen_config(CLI::App& gen, Context& ctx) {
  auto opts = std::make_shared<GenConfigOptions>();
  CLI::App* cmd = gen.add_subcommand(
      "config", "Write each node's machine config and a talosconfig (all mode 0600)");
  cmd->add_option("-f,--file", opts->file, "cluster file")->capture_default_str();
  cmd->add_option("--out", opts->out_dir, "directory to write into")->capture_default_str();
  cmd->callback([opts, &ctx] { ctx.exit_code = run_gen_config(*opts, ctx); });
}

}  // namespace cli
