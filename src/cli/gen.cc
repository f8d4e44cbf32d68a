// `talforge gen …`: the parent of gen secrets / gen config / gen schematic.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/verbs.h"

namespace cli {

void register_gen(CLI::App& app, Context& ctx) {
  CLI::App* gen = app.add_subcommand("gen", "Generate secrets, machine configs or the schematic");
  gen->require_subcommand(1);
  register_gen_secrets(*gen, ctx);
  register_gen_config(*gen, ctx);
  register_gen_schematic(*gen, ctx);
}

}  // namespace cli
