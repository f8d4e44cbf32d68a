// One register_* function per verb file in cli/; main.cc calls each of them.
#pragma once

namespace CLI {
class App;
}

namespace cli {
struct Context;

void register_validate(CLI::App& app, Context& ctx);
void register_gen(CLI::App& app, Context& ctx);

}  // namespace cli
