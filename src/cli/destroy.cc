// `talforge destroy`: removes every VM this cluster owns on Proxmox (tags + description marker),
// workers first, after showing them and asking (--yes for automation). cluster.yaml, the secrets
// bundle and out/ stay as they are, so `apply` can build the cluster again.
#include "engine/destroy.h"

#include <iostream>
#include <memory>
#include <ostream>
#include <string>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cluster_inputs.h"
#include "cli/confirm.h"
#include "cli/estate.h"
#include "cli/progress_output.h"
#include "cli/verbs.h"
#include "engine/observe.h"
#include "util/clock.h"

namespace cli {
namespace {

struct DestroyOptions {
  std::string file = "cluster.yaml";
  std::string output = "text";
  bool yes = false;
};

int run_destroy(const DestroyOptions& opts, Context& ctx) {
  std::optional<spec::Cluster> cluster = load_cluster(opts.file, ctx);
  if (!cluster) {
    return kExitError;
  }
  std::optional<PveAccess> pve = open_pve(*cluster, ctx);
  if (!pve) {
    return kExitError;
  }
  util::Result<std::vector<plan::ObservedVm>> vms = engine::observe_owned_vms(*cluster, *pve->api);
  if (!vms.ok()) {
    ctx.report(vms.error());
    return kExitError;
  }
  const bool json = opts.output == "json";
  std::ostream& human = json ? *ctx.err : *ctx.out;
  if (vms->empty()) {
    human << fmt::format("Nothing to destroy: no VM carries cluster {}'s marker.\n", cluster->name);
    return kExitOk;
  }
  for (const plan::ObservedVm& vm : *vms) {
    human << fmt::format("  - vm  {:<12} VM {} on {}\n", vm.node, vm.vm.vmid, vm.vm.pve_node);
  }
  human << fmt::format("\nDestroy: {} VM(s) of cluster {}; the secrets bundle and files stay.\n",
                       vms->size(), cluster->name);
  if (!confirmed({"destroy", "Destroy these VMs and their disks?", "the list above"}, opts.yes,
                 ctx)) {
    return kExitError;
  }
  std::unique_ptr<TtyProgress> tty;
  engine::Progress progress(choose_progress(json, ctx, tty), util::system_clock());
  util::Result<void> done = engine::destroy_vms(*vms, *pve->api, progress);
  tty.reset();
  if (!done.ok()) {
    ctx.report(done.error());
    return kExitError;
  }
  human << "Destroy complete.\n";
  return kExitOk;
}

}  // namespace

void register_destroy(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<DestroyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "destroy", "Remove every VM this cluster owns (secrets bundle and files are kept)");
  cmd->add_option("-f,--file", opts->file, "cluster file")->capture_default_str();
  cmd->add_flag("-y,--yes", opts->yes, "destroy without asking (for automation)");
  cmd->add_option("-o,--output", opts->output, "progress: text lines on stderr, or NDJSON events")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([opts, &ctx] { ctx.exit_code = run_destroy(*opts, ctx); });
}

}  // namespace cli
