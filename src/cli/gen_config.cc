// `talforge gen config`.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/verbs.h"

namespace cli {

void register_gen_config(CLI::App& gen, Context& ctx) {
  CLI::App* cmd = gen.add_subcommand("config", "TODO(#3)");
  cmd->callback([&ctx] {
    *ctx.err << "gen config: not implemented yet\n";
    ctx.exit_code = kExitError;
  });
}

}  // namespace cli
