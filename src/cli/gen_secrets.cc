// `talforge gen secrets`.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/verbs.h"

namespace cli {

void register_gen_secrets(CLI::App& gen, Context& ctx) {
  CLI::App* cmd = gen.add_subcommand("secrets", "TODO(#3)");
  cmd->callback([&ctx] {
    *ctx.err << "gen secrets: not implemented yet\n";
    ctx.exit_code = kExitError;
  });
}

}  // namespace cli
