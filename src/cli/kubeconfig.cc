// `talforge kubeconfig`: the cluster's admin kubeconfig, fetched with the Kubeconfig RPC from the
// first control plane that answers, or signed locally from the secrets bundle's Kubernetes CA
// (--local, or when no control plane answers — said on stderr). Written to ./kubeconfig (0600,
// never over an existing file without --force), or merged into the kubectl config (--merge).
#include <chrono>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cluster_inputs.h"
#include "cli/context.h"
#include "cli/kubeconfig_merge.h"
#include "cli/talos_access.h"
#include "cli/verbs.h"
#include "engine/admin_kubeconfig.h"
#include "secrets/secret.h"
#include "talos/api.h"
#include "util/file.h"

namespace cli {
namespace {

struct KubeconfigOptions {
  std::string file = "cluster.yaml";
  std::string output;  // empty: ./kubeconfig, or the kubectl config with --merge
  bool merge = false;
  bool local = false;
  bool force = false;
  TalosAccessOptions access;
};

// The kubectl config file: $KUBECONFIG's first entry, else ~/.kube/config.
std::string kubectl_config_path() {
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
    const std::string list = env;
    return list.substr(0, list.find(':'));
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.kube/config";
}

// The Kubeconfig RPC on each control plane in turn; the last failure when none answers.
util::Result<secrets::Secret> fetch(const engine::TalosTarget& target, Context& ctx) {
  util::Error last = util::Error::unavailable("the cluster has no control-plane node");
  for (const std::string& endpoint : target.endpoints) {
    talos::ConnectOptions options = engine::connect_options(target, endpoint);
    options.call_timeout = std::chrono::seconds(10);
    util::Result<std::unique_ptr<talos::Api>> api = talos::make_grpc_api(options);
    if (!api.ok()) {
      last = std::move(api).error();
      continue;
    }
    util::Result<talos::Kubeconfig> got = (*api)->kubeconfig();
    if (got.ok()) {
      *ctx.err << fmt::format("fetched the admin kubeconfig from {}\n", endpoint);
      return secrets::Secret(std::move(got->kubeconfig));
    }
    last = std::move(got).error();
    if (last.code == util::ErrorCode::PermissionDenied) {
      break;  // every control plane would refuse the same certificate
    }
  }
  return last;
}

util::Result<secrets::Secret> obtain(const KubeconfigOptions& opts, const ClusterInputs& inputs,
                                     Context& ctx) {
  if (!opts.local) {
    std::optional<engine::TalosTarget> target = talos_access(inputs, opts.access, ctx);
    if (!target) {
      return util::Error::invalid_input("no usable Talos credentials (see above)")
          .with_hint("fix the talosconfig, or pass --local to sign a kubeconfig from the bundle");
    }
    util::Result<secrets::Secret> fetched = fetch(*target, ctx);
    if (fetched.ok()) {
      return fetched;
    }
    *ctx.err << fmt::format(
        "note: no control plane returned a kubeconfig ({}); signing a fresh admin certificate "
        "locally with the secrets bundle's Kubernetes CA\n",
        fetched.error().describe());
  }
  return engine::local_admin_kubeconfig(inputs.cluster, inputs.bundle,
                                        std::chrono::system_clock::now());
}

util::Result<std::string> write_merged(const std::string& path, const secrets::Secret& fetched) {
  std::string existing;
  if (util::file_exists(path)) {
    ASSIGN_OR_RETURN(existing, util::read_file(path));
  }
  ASSIGN_OR_RETURN(MergedKubeconfig merged, merge_kubeconfig(existing, fetched.reveal(), path));
  const secrets::Secret text(std::move(merged.text));
  const std::string dir =
      path.rfind('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  RETURN_IF_ERROR(util::make_dirs(dir, 0700));
  RETURN_IF_ERROR(util::write_file_atomic(path, text.reveal(), util::kSecretFileMode));
  return merged.context;
}

util::Result<void> write_new(const std::string& path, const secrets::Secret& text, bool force) {
  util::Result<void> written =
      force ? util::write_file_atomic(path, text.reveal(), util::kSecretFileMode)
            : util::write_file_exclusive(path, text.reveal(), util::kSecretFileMode);
  if (!written.ok() && written.error().code == util::ErrorCode::AlreadyExists) {
    return util::Error::already_exists(fmt::format("{} already exists", path))
        .with_hint("pass --force to replace it, --merge to add to it, or -o to write elsewhere");
  }
  return written;
}

int run_kubeconfig(const KubeconfigOptions& opts, Context& ctx) {
  std::optional<ClusterInputs> inputs = load_cluster_inputs(opts.file, ctx);
  if (!inputs) {
    return kExitError;
  }
  util::Result<secrets::Secret> text = obtain(opts, *inputs, ctx);
  if (!text.ok()) {
    ctx.report(std::move(text).error().with_context("kubeconfig"));
    return kExitError;
  }
  if (opts.merge) {
    const std::string path = opts.output.empty() ? kubectl_config_path() : opts.output;
    util::Result<std::string> context = write_merged(path, *text);
    if (!context.ok()) {
      ctx.report(context.error());
      return kExitError;
    }
    *ctx.out << path << "\n";
    *ctx.err << fmt::format("merged into {}; current context is now {}\n", path, *context);
    return kExitOk;
  }
  const std::string path = opts.output.empty() ? "kubeconfig" : opts.output;
  if (util::Result<void> w = write_new(path, *text, opts.force); !w.ok()) {
    ctx.report(w.error());
    return kExitError;
  }
  *ctx.out << path << "\n";
  return kExitOk;
}

}  // namespace

void register_kubeconfig(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<KubeconfigOptions>();
  CLI::App* cmd = app.add_subcommand(
      "kubeconfig",
      "Fetch the admin kubeconfig from a control plane (or sign one locally from the secrets "
      "bundle) and write it (mode 0600) or merge it into your kubectl config");
  cmd->add_option("-f,--file", opts->file, "cluster file")->capture_default_str();
  cmd->add_option("-o,--output", opts->output,
                  "file to write (default ./kubeconfig; with --merge: $KUBECONFIG's first file, "
                  "else ~/.kube/config)");
  cmd->add_flag("--merge", opts->merge,
                "add cluster, user and context to the kubectl config, renaming on conflict, and "
                "make the context current");
  cmd->add_flag("--local", opts->local,
                "do not ask the cluster: sign a fresh admin certificate with the bundle's "
                "Kubernetes CA");
  cmd->add_flag("--force", opts->force, "replace an existing output file");
  add_talosconfig_flag(*cmd, opts->access);
  cmd->callback([opts, &ctx] { ctx.exit_code = run_kubeconfig(*opts, ctx); });
}

}  // namespace cli
