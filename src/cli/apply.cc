// `talforge apply`: shows the plan, asks for confirmation on a terminal (--yes for automation),
// executes it, then writes out/talosconfig and out/kubeconfig (0600). Progress goes to stderr as
// plain lines, or to stdout as NDJSON with -o json. Exit code 0 = converged, 1 = error.
#include "engine/apply.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/confirm.h"
#include "cli/duration.h"
#include "cli/estate.h"
#include "cli/progress_output.h"
#include "cli/verbs.h"
#include "engine/admin_talosconfig.h"
#include "engine/kube_connect.h"
#include "engine/random_uuid.h"
#include "factory/client.h"
#include "plan/diff.h"
#include "plan/render.h"
#include "util/clock.h"
#include "util/file.h"

namespace cli {
namespace {

struct ApplyOptions {
  std::string file = "cluster.yaml";
  std::string output = "text";
  std::string out_dir = "out";
  bool yes = false;
  std::string wait_timeout = "20m";
  std::string on_failure = "rollback";
  TalosAccessOptions access;
};

util::Result<void> write_client_files(const Estate& estate, const std::string& dir, Context& ctx) {
  const spec::Cluster& cluster = estate.inputs.cluster;
  RETURN_IF_ERROR(util::make_dirs(dir, 0700));
  ASSIGN_OR_RETURN(
      secrets::Secret talosconfig,
      engine::admin_talosconfig(cluster, estate.inputs.bundle, std::chrono::system_clock::now()));
  RETURN_IF_ERROR(
      util::write_file_atomic(dir + "/talosconfig", talosconfig.reveal(), util::kSecretFileMode));
  util::Error last = util::Error::unavailable("the cluster has no control plane");
  for (const spec::Node* cp : cluster.control_planes()) {
    util::Result<std::unique_ptr<talos::Api>> api =
        estate.dial(cp->address, talos::ConnectMode::Secure);
    util::Result<talos::Kubeconfig> kubeconfig =
        api.ok() ? (*api)->kubeconfig() : util::Result<talos::Kubeconfig>(api.error());
    if (kubeconfig.ok()) {
      RETURN_IF_ERROR(util::write_file_atomic(dir + "/kubeconfig", kubeconfig->kubeconfig,
                                              util::kSecretFileMode));
      *ctx.err << fmt::format("wrote {0}/talosconfig and {0}/kubeconfig (mode 0600)\n", dir);
      return {};
    }
    last = std::move(kubeconfig).error();
  }
  return std::move(last).with_context("fetch the admin kubeconfig");
}

engine::ApplyServices services(Estate& estate, engine::Progress& progress) {
  const spec::Cluster& cluster = estate.inputs.cluster;
  const std::string schematic_id = estate.inputs.schematic_id;
  return engine::ApplyServices{
      *estate.pve,
      estate.dial,
      estate.talos_port_open,
      [&cluster]() {
        return factory::register_schematic(cluster.image.factory_url, cluster_schematic(cluster));
      },
      []() { return engine::random_uuid(secrets::system_random()); },
      factory::boot_iso(cluster.image.factory_url, schematic_id, cluster.talos_version,
                        cluster.image.platform)
          .url,
      progress,
      estate.kube,
  };
}

int run_apply(const ApplyOptions& opts, Context& ctx) {
  const util::Result<std::chrono::seconds> wait =
      duration_option("--wait-timeout", opts.wait_timeout);
  if (!wait.ok()) {
    ctx.report(wait.error());
    return kExitError;
  }
  engine::ApplyOptions engine_options;
  engine_options.wait.timeout = *wait;
  engine_options.health_timeout = *wait;
  engine_options.etcd_backup_dir = opts.out_dir + "/etcd-backups";
  engine_options.kubeconfig_file = std::filesystem::absolute(opts.out_dir + "/kubeconfig").string();
  engine_options.on_upgrade_failure = opts.on_failure == "stop" ? engine::UpgradeFailure::Stop
                                                                : engine::UpgradeFailure::Rollback;
  std::optional<Estate> estate = open_estate(opts.file, opts.access, ctx);
  if (!estate) {
    return kExitError;
  }
  const spec::Cluster& cluster = estate->inputs.cluster;
  std::optional<plan::Observed> observed = observe_estate(*estate, ctx);
  if (!observed) {
    return kExitError;
  }
  const plan::Plan plan = plan::diff(estate->desired, *observed);
  const bool json = opts.output == "json";
  std::ostream& human = json ? *ctx.err : *ctx.out;
  human << plan::render_text(plan, false);
  if (!plan.blockers.empty()) {
    return kExitError;
  }
  if (!plan.empty()) {
    if (!confirmed({"apply", "Apply these changes?", "`talforge plan`"}, opts.yes, ctx)) {
      return kExitError;
    }
    std::unique_ptr<TtyProgress> tty;
    engine::Progress progress(choose_progress(json, ctx, tty), util::system_clock());
    engine::ApplyServices deps = services(*estate, progress);
    util::Result<void> applied =
        engine::apply_plan(cluster, estate->desired, *observed, plan, deps, engine_options);
    tty.reset();
    if (!applied.ok()) {
      ctx.report(applied.error());
      return kExitError;
    }
  }
  // A converged cluster needs no new client certificates: existing files stay as they are.
  const bool have_files = util::file_exists(opts.out_dir + "/talosconfig") &&
                          util::file_exists(opts.out_dir + "/kubeconfig");
  util::Result<void> files = plan.empty() && have_files
                                 ? util::Result<void>()
                                 : write_client_files(*estate, opts.out_dir, ctx);
  if (!files.ok()) {
    ctx.report(files.error());
    return kExitError;
  }
  human << (plan.empty() ? "" : "Apply complete: the cluster matches cluster.yaml.\n");
  return kExitOk;
}

}  // namespace

void register_apply(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ApplyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "apply", "Bring the cluster to what cluster.yaml says (shows the plan, asks, executes)");
  cmd->add_option("-f,--file", opts->file, "cluster file")->capture_default_str();
  cmd->add_flag("-y,--yes", opts->yes, "apply without asking (for automation)");
  cmd->add_option("-o,--output", opts->output, "progress: text lines on stderr, or NDJSON events")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--out", opts->out_dir, "where talosconfig and kubeconfig are written, and etcd-backups/ (a "
                 "snapshot before a control plane leaves, the newest 5 kept)")
      ->capture_default_str();
  cmd->add_option("--on-failure", opts->on_failure,
                  "a node that fails its Talos upgrade (falls back, or fails the health gate): "
                  "rollback (Talos's Rollback, back into service) or stop (left as it is); the "
                  "rollout stops either way")
      ->check(CLI::IsMember({"rollback", "stop"}))
      ->capture_default_str();
  cmd->add_option("--wait-timeout", opts->wait_timeout,
                  "how long apply waits for one node or health gate before it gives up (e.g. 90s, "
                  "20m, 1h)")
      ->capture_default_str();
  add_talosconfig_flag(*cmd, opts->access);
  cmd->callback([opts, &ctx] { ctx.exit_code = run_apply(*opts, ctx); });
}

}  // namespace cli
