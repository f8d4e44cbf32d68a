// `talforge validate`: check cluster.yaml and report every problem at once.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/verbs.h"

namespace cli {

void register_validate(CLI::App& app, Context& ctx) {
  auto file = std::make_shared<std::string>("cluster.yaml");
  CLI::App* cmd = app.add_subcommand("validate", "Check cluster.yaml; report every problem at once");
  cmd->add_option("-f,--file", *file, "cluster file")->capture_default_str();
  cmd->callback([file, &ctx] {
    // TODO(#3): load and validate through spec::load_file.
    *ctx.err << "validate: not implemented yet\n";
    ctx.exit_code = kExitError;
  });
}

}  // namespace cli
