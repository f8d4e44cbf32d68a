// `talforge talosconfig`: re-issue a Talos API client certificate from the secrets bundle's OS CA
// and write a talosctl-compatible talosconfig (talos.md §3.1): one context named after the
// cluster, endpoints = control planes, nodes = every node. Refuses to overwrite without --force.
#include "secrets/talosconfig.h"

#include <chrono>
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cluster_inputs.h"
#include "cli/context.h"
#include "cli/talos_access.h"
#include "cli/verbs.h"
#include "secrets/leaf.h"
#include "util/file.h"

namespace cli {
namespace {

struct TalosconfigOptions {
  std::string file = "cluster.yaml";
  std::string output = "talosconfig";
  std::string role = "os:admin";
  bool force = false;
};

util::Result<secrets::Secret> render(const ClusterInputs& inputs, const std::string& role) {
  ASSIGN_OR_RETURN(const secrets::PemCertAndKey client,
                   secrets::issue_talos_client_cert(inputs.bundle.certs.os, {role},
                                                    std::chrono::system_clock::now()));
  ASSIGN_OR_RETURN(const secrets::PemCertAndKey os_ca,
                   secrets::decode_cert_and_key(inputs.bundle.certs.os, "certs.os"));
  return secrets::render_talosconfig(inputs.cluster.name, control_plane_addresses(inputs.cluster),
                                     node_addresses(inputs.cluster), os_ca.crt, client.crt,
                                     client.key);
}

int run_talosconfig(const TalosconfigOptions& opts, Context& ctx) {
  std::optional<ClusterInputs> inputs = load_cluster_inputs(opts.file, ctx);
  if (!inputs) {
    return kExitError;
  }
  util::Result<secrets::Secret> text = render(*inputs, opts.role);
  if (!text.ok()) {
    ctx.report(std::move(text).error().with_context("talosconfig"));
    return kExitError;
  }
  util::Result<void> written =
      opts.force ? util::write_file_atomic(opts.output, text->reveal(), util::kSecretFileMode)
                 : util::write_file_exclusive(opts.output, text->reveal(), util::kSecretFileMode);
  if (!written.ok()) {
    util::Error error = std::move(written).error();
    if (error.code == util::ErrorCode::AlreadyExists) {
      error = util::Error::already_exists(fmt::format("{} already exists", opts.output))
                  .with_hint("pass --force to replace it, or -o to write elsewhere");
    }
    ctx.report(error);
    return kExitError;
  }
  *ctx.out << opts.output << "\n";
  *ctx.err << fmt::format("wrote a talosconfig with role {} for cluster {} (context {})\n",
                          opts.role, inputs->cluster.name, inputs->cluster.name);
  return kExitOk;
}

}  // namespace

void register_talosconfig(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<TalosconfigOptions>();
  CLI::App* cmd = app.add_subcommand(
      "talosconfig",
      "Issue a Talos API client certificate from the secrets bundle and write a talosconfig "
      "(mode 0600) that talosctl can use");
  cmd->add_option("-f,--file", opts->file, "cluster file")->capture_default_str();
  cmd->add_option("-o,--output", opts->output, "file to write")->capture_default_str();
  cmd->add_option("--role", opts->role, "role carried by the certificate (Subject O)")
      ->check(CLI::IsMember({"os:reader", "os:operator", "os:admin", "os:etcd:backup"}))
      ->capture_default_str();
  cmd->add_flag("--force", opts->force, "replace an existing file");
  cmd->callback([opts, &ctx] { ctx.exit_code = run_talosconfig(*opts, ctx); });
}

}  // namespace cli
