// `talforge gen secrets|config|schematic`: produce the files a cluster is built from.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/verbs.h"

namespace cli {

void register_gen(CLI::App& app, Context& ctx) {
  CLI::App* gen = app.add_subcommand("gen", "Generate secrets, machine configs or the schematic");
  gen->require_subcommand(1);
}

}  // namespace cli
