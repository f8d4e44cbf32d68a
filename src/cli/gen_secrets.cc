// `talforge gen secrets`: create a new secrets bundle (CAs, tokens, encryption secret) in the
// format of `talosctl gen secrets`. The only command that ever creates a bundle; it never
// replaces one unless told to with --force.
#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/context.h"
#include "cli/verbs.h"
#include "secrets/bundle.h"
#include "talos/version_contract.h"
#include "util/file.h"

namespace cli {
namespace {

struct GenSecretsOptions {
  std::string output = "secrets.yaml";
  std::string talos_version;  // empty: the newest contract talforge knows
  bool force = false;
};

util::Error refuse_overwrite(const std::string& path) {
  return util::Error::already_exists(
             fmt::format("{} already exists; refusing to overwrite a secrets bundle", path))
      .with_hint(
          "pass --force to replace it (machine configs made from the old bundle stop working "
          "with the new one), or write elsewhere with -o");
}

util::Result<secrets::ContractVersion> contract_for(const std::string& talos_version) {
  talos::VersionContract contract = talos::VersionContract::newest_known();
  if (!talos_version.empty()) {
    ASSIGN_OR_RETURN(contract, talos::VersionContract::parse(talos_version));
  }
  return secrets::ContractVersion{contract.major, contract.minor};
}

util::Result<void> gen_secrets(const GenSecretsOptions& opts) {
  // Checked before the slow key generation; write_file_exclusive re-checks atomically.
  if (!opts.force && util::file_exists(opts.output)) {
    return refuse_overwrite(opts.output);
  }
  ASSIGN_OR_RETURN(const secrets::ContractVersion contract, contract_for(opts.talos_version));
  ASSIGN_OR_RETURN(const secrets::Bundle bundle,
                   secrets::generate_bundle(contract, std::chrono::system_clock::now()));
  const secrets::Secret text = secrets::render_bundle(bundle);
  util::Result<void> written =
      opts.force ? util::write_file_atomic(opts.output, text.reveal(), util::kSecretFileMode)
                 : util::write_file_exclusive(opts.output, text.reveal(), util::kSecretFileMode);
  if (!written.ok() && written.error().code == util::ErrorCode::AlreadyExists) {
    return refuse_overwrite(opts.output);
  }
  return written;
}

}  // namespace

void register_gen_secrets(CLI::App& gen, Context& ctx) {
  auto opts = std::make_shared<GenSecretsOptions>();
  CLI::App* cmd = gen.add_subcommand(
      "secrets", "Create a new secrets bundle (cluster CAs and tokens), written with mode 0600");
  cmd->add_option("-o,--output", opts->output, "file to write")->capture_default_str();
  cmd->add_option("--talos-version", opts->talos_version,
                  "Talos version contract, e.g. v1.11 (default: the newest known)");
  cmd->add_flag("--force", opts->force, "replace an existing file");
  cmd->callback([opts, &ctx] {
    util::Result<void> done = gen_secrets(*opts);
    if (!done.ok()) {
      ctx.report(std::move(done).error().with_context("gen secrets"));
      ctx.exit_code = kExitError;
      return;
    }
    *ctx.err << fmt::format("wrote secrets bundle {} (mode 0600); keep it private and backed up\n",
                            opts->output);
  });
}

}  // namespace cli
