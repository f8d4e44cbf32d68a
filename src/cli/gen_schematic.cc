// `talforge gen schematic`: the Image Factory schematic of the cluster (or of a schematic file)
// and its ID, computed locally by the factory's canonical rule.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cluster_inputs.h"
#include "cli/context.h"
#include "cli/output_flag.h"
#include "cli/verbs.h"
#include "factory/schematic.h"
#include "util/file.h"

namespace cli {
namespace {

struct SchematicOptions {
  std::string file = "cluster.yaml";
  std::string from;
  std::string format = "text";
};

void print_schematic(const factory::Schematic& s, const std::string& format, Context& ctx) {
  const std::string id = factory::schematic_id(s);
  const std::string yaml = factory::canonical_yaml(s);
  if (format == "json") {
    *ctx.out << nlohmann::ordered_json{{"id", id}, {"schematic", yaml}}.dump(2) << "\n";
  } else if (format == "yaml") {
    util::Tree doc = {{"id", id}, {"schematic", yaml}};
    *ctx.out << util::emit_yaml(doc);
  } else {
    *ctx.out << "# schematic id: " << id << "\n" << yaml;
  }
}

int run_from_file(const SchematicOptions& opts, Context& ctx) {
  util::Result<std::string> text = util::read_file(opts.from);
  if (!text.ok()) {
    ctx.report(text.error());
    return kExitError;
  }
  util::Result<factory::Schematic> s = factory::parse_schematic(*text, opts.from);
  if (!s.ok()) {
    ctx.report(s.error());
    return kExitError;
  }
  print_schematic(*s, opts.format, ctx);
  return kExitOk;
}

}  // namespace

void register_gen_schematic(CLI::App& gen, Context& ctx) {
  auto opts = std::make_shared<SchematicOptions>();
  CLI::App* cmd = gen.add_subcommand(
      "schematic", "Print the Image Factory schematic and its ID (computed locally)");
  cmd->add_option("-f,--file", opts->file, "cluster file")->capture_default_str();
  cmd->add_option("--from", opts->from, "read this schematic YAML file instead of the cluster file")
      ->check(CLI::ExistingFile);
  add_output_flag(*cmd, opts->format);
  cmd->callback([opts, &ctx] {
    if (!opts->from.empty()) {
      ctx.exit_code = run_from_file(*opts, ctx);
      return;
    }
    std::optional<spec::Cluster> cluster = load_cluster(opts->file, ctx);
    if (!cluster) {
      ctx.exit_code = kExitError;
      return;
    }
    print_schematic(cluster_schematic(*cluster), opts->format, ctx);
  });
}

}  // namespace cli
