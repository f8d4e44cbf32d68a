// `talforge plan`: observes Proxmox and the Talos nodes, compares them with cluster.yaml and
// prints what `apply` would change. Exit code 0 = nothing to do, 2 = changes pending, 1 = error
// (Terraform's -detailed-exitcode). Makes no change anywhere.
#include <cstdlib>
#include <memory>
#include <ostream>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/estate.h"
#include "cli/output_flag.h"
#include "cli/verbs.h"
#include "engine/observe.h"
#include "plan/diff.h"
#include "plan/render.h"

namespace cli {
namespace {

struct PlanOptions {
  std::string file = "cluster.yaml";
  std::string format = "text";
  TalosAccessOptions access;
};

int run_plan(const PlanOptions& opts, Context& ctx) {
  std::optional<Estate> estate = open_estate(opts.file, opts.access, ctx);
  if (!estate) {
    return kExitError;
  }
  std::optional<plan::Observed> observed = observe_estate(*estate, ctx);
  if (!observed) {
    return kExitError;
  }
  const plan::Plan plan = plan::diff(estate->desired, *observed);
  if (opts.format == "json") {
    *ctx.out << plan::render_json(plan).dump(2) << "\n";
  } else if (opts.format == "yaml") {
    *ctx.out << plan::render_yaml(plan);
  } else {
    *ctx.out << plan::render_text(
        plan, ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr);
  }
  if (!plan.blockers.empty()) {
    return kExitError;
  }
  return plan.empty() ? kExitOk : kExitChanges;
}

}  // namespace

void register_plan(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plan",
      "Show what apply would change (exit code 0: nothing to do, 2: changes pending, 1: error)");
  cmd->add_option("-f,--file", opts->file, "cluster file")->capture_default_str();
  add_output_flag(*cmd, opts->format);
  add_talosconfig_flag(*cmd, opts->access);
  cmd->callback([opts, &ctx] { ctx.exit_code = run_plan(*opts, ctx); });
}

}  // namespace cli
