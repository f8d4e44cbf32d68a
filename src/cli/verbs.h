// One register_* function per verb file in cli/; main.cc calls the top-level ones.
#pragma once

namespace CLI {
class App;
}

namespace cli {
struct Context;

void register_validate(CLI::App& app, Context& ctx);
void register_gen(CLI::App& app, Context& ctx);
void register_kubeconfig(CLI::App& app, Context& ctx);
void register_talosconfig(CLI::App& app, Context& ctx);
void register_node(CLI::App& app, Context& ctx);
void register_lab(CLI::App& app, Context& ctx);
void register_plan(CLI::App& app, Context& ctx);
void register_apply(CLI::App& app, Context& ctx);
void register_destroy(CLI::App& app, Context& ctx);
void register_status(CLI::App& app, Context& ctx);
void register_etcd(CLI::App& app, Context& ctx);

// Subcommands of `gen`, registered by register_gen.
void register_gen_secrets(CLI::App& gen, Context& ctx);
void register_gen_config(CLI::App& gen, Context& ctx);
void register_gen_schematic(CLI::App& gen, Context& ctx);

// Subcommands of `node`, registered by register_node.
void register_node_version(CLI::App& node, Context& ctx);
void register_node_services(CLI::App& node, Context& ctx);
void register_node_health(CLI::App& node, Context& ctx);

}  // namespace cli
