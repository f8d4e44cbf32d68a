// `talforge gen schematic`.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/verbs.h"

namespace cli {

void register_gen_schematic(CLI::App& gen, Context& ctx) {
  CLI::App* cmd = gen.add_subcommand("schematic", "TODO(#3)");
  cmd->callback([&ctx] {
    *ctx.err << "gen schematic: not implemented yet\n";
    ctx.exit_code = kExitError;
  });
}

}  // namespace cli
