// Shared loading for gen config / gen schematic (and later plan/apply).
#include "cli/cluster_inputs.h"

#include <fmt/format.h>

#include "engine/config_secrets.h"
#include "factory/schematic.h"
#include "spec/load.h"
#include "util/file.h"

namespace cli {

std::optional<spec::Cluster> load_cluster(const std::string& file, Context& ctx) {
  spec::Loaded loaded = spec::load_file(file);
  ctx.report(loaded.diagnostics);
  if (!loaded.ok()) {
    return std::nullopt;
  }
  return std::move(loaded.spec);
}

factory::Schematic cluster_schematic(const spec::Cluster& cluster) {
  return factory::make_schematic(cluster.image.extensions, cluster.image.extra_kernel_args);
}

std::string cluster_schematic_id(const spec::Cluster& cluster) {
  return factory::schematic_id(cluster_schematic(cluster));
}

std::optional<ClusterInputs> load_cluster_inputs(const std::string& file, Context& ctx) {
  std::optional<spec::Cluster> cluster = load_cluster(file, ctx);
  if (!cluster) {
    return std::nullopt;
  }
  const std::string bundle_path = cluster->resolve_path(cluster->secrets_file);
  if (!util::file_exists(bundle_path)) {
    ctx.report(
        util::Error::not_found(fmt::format("secrets bundle {} does not exist", bundle_path))
            .with_hint(fmt::format("create it once with `talforge gen secrets -o {}`, or point "
                                   "cluster.secretsFile at the bundle this cluster was made with",
                                   bundle_path)));
    return std::nullopt;
  }
  util::Result<secrets::Bundle> bundle = secrets::load_bundle(bundle_path);
  if (!bundle.ok()) {
    ctx.report(bundle.error());
    return std::nullopt;
  }
  ClusterInputs inputs{std::move(*cluster), std::move(*bundle), {}, {}};
  inputs.config_secrets = engine::config_secrets(inputs.bundle);
  inputs.schematic_id = cluster_schematic_id(inputs.cluster);
  return inputs;
}

}  // namespace cli
