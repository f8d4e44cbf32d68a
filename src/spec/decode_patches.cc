// Config patches: `- file: path` (read now, relative to cluster.yaml) or `- inline: …` (text,
// or a mapping/list written directly in cluster.yaml). Each is checked by patch_check.
#include <exception>

#include <fmt/format.h>

#include "spec/decode.h"
#include "spec/keys.h"
#include "spec/patch_check.h"
#include "spec/versions.h"
#include "util/file.h"
#include "util/yaml_load.h"

namespace spec {
namespace {

// A literal block scalar (`inline: |`) keeps lines and columns, so positions inside it map to
// cluster.yaml; any other string style collapses every position onto the value.
PatchText inline_text_origin(const DecodeContext& ctx, const Field& f) {
  PatchText where{ctx.report, f.path};
  const std::string_view line = ctx.report.source().line(f.value.line);
  const size_t col = static_cast<size_t>(f.value.column - 1);
  if (col >= line.size() || line[col] != '|') {
    where.fixed = f.value;
    return where;
  }
  for (int l = f.value.line + 1; l <= ctx.report.source().line_count(); ++l) {
    const std::string_view text = ctx.report.source().line(l);
    const size_t indent = text.find_first_not_of(' ');
    if (indent != std::string_view::npos) {
      where.line_offset = f.value.line;  // the block's first line is the next one
      where.column_offset = static_cast<int>(indent);
      return where;
    }
  }
  where.fixed = f.value;
  return where;
}

std::optional<Patch> file_patch(DecodeContext& ctx, const Field& f) {
  const std::optional<std::string> path = read_string(ctx, f);
  if (!path) {
    return std::nullopt;
  }
  const std::string full = resolve_file(ctx, *path);
  util::Result<std::string> text = util::read_file(full);
  if (!text.ok()) {
    ctx.report.error(f.key, f.path, fmt::format("patch file: {}", text.error().message),
                     "paths are relative to the directory of the cluster file");
    return std::nullopt;
  }
  const Source source(full, *text);
  const PatchText where{Reporter(source, ctx.report.out()), ""};
  const std::optional<PatchKind> kind = check_patch_text(*text, where);
  if (!kind) {
    return std::nullopt;
  }
  return Patch{full, std::move(*text), *kind};
}

// An inline mapping or list becomes JSON text: JSON is YAML, keeps quoted scalars strings, and
// talos/ detects both patch kinds from it.
std::optional<std::string> inline_node_text(DecodeContext& ctx, const Field& f) {
  try {
    return util::yaml_to_tree(f.node).dump();
  } catch (const std::exception& e) {
    ctx.report.error(f.value, f.path, fmt::format("cannot convert the inline patch: {}", e.what()));
    return std::nullopt;
  }
}

std::optional<Patch> inline_patch(DecodeContext& ctx, const Field& f) {
  const std::string origin =
      fmt::format("{}:{}:{}", ctx.report.source().name(), f.value.line, f.value.column);
  if (f.node.IsScalar()) {
    const std::optional<PatchKind> kind =
        check_patch_text(f.node.Scalar(), inline_text_origin(ctx, f));
    if (!kind) {
      return std::nullopt;
    }
    return Patch{origin, f.node.Scalar(), *kind};
  }
  const std::optional<PatchKind> kind = check_patch_node(f.node, PatchText{ctx.report, f.path});
  std::optional<std::string> text = kind ? inline_node_text(ctx, f) : std::nullopt;
  if (!text) {
    return std::nullopt;
  }
  return Patch{origin, std::move(*text), *kind};
}

// Talos refuses JSON patches on multi-document configs (talos.md §5); talforge's configs have
// several documents from v1.12 on (HostnameConfig and the network documents).
bool multi_document_configs(const std::string& talos_version) {
  const std::optional<Version> v = parse_version(talos_version);
  return v && (v->major > 1 || (v->major == 1 && v->minor >= 12));
}

std::optional<Patch> decode_patch(DecodeContext& ctx, const Field& item) {
  if (!item.node.IsMap()) {
    ctx.report.error(item.value, item.path,
                     fmt::format("expected a patch, found {}", describe_node(item.node)),
                     "write \"- file: patches/x.yaml\" or \"- inline: {machine: …}\"");
    return std::nullopt;
  }
  const MapReader m(ctx, item, keys::kPatch);
  const std::optional<Field> file = m.get("file");
  const std::optional<Field> text = m.get("inline");
  if (file && text) {
    ctx.report.error(item.value, item.path, "a patch has either \"file\" or \"inline\", not both",
                     "split it into two list items");
    return std::nullopt;
  }
  if (!file && !text) {
    ctx.report.error(item.value, item.path, "a patch needs \"file\" or \"inline\"",
                     "write \"- file: patches/x.yaml\" or \"- inline: {machine: …}\"");
    return std::nullopt;
  }
  ctx.positions.record(item.path, {item.key, item.value});
  std::optional<Patch> patch = file ? file_patch(ctx, *file) : inline_patch(ctx, *text);
  if (patch && patch->kind == PatchKind::Json6902 && multi_document_configs(ctx.talos_version)) {
    ctx.report.error(item.value, item.path,
                     "RFC 6902 patches cannot apply to Talos v1.12+ configs, which have several "
                     "documents",
                     "write the change as a strategic merge patch (a partial machine config)");
    return std::nullopt;
  }
  return patch;
}

}  // namespace

std::vector<Patch> decode_patch_list(DecodeContext& ctx, const Field& field) {
  std::vector<Patch> out;
  for (const Field& item : list_items(ctx, field)) {
    if (std::optional<Patch> p = decode_patch(ctx, item)) {
      out.push_back(std::move(*p));
    }
  }
  return out;
}

void decode_patches(DecodeContext& ctx, const Field& field, Patches& out) {
  const MapReader m(ctx, field, keys::kPatches);
  if (const std::optional<Field> f = m.get("all")) {
    out.all = decode_patch_list(ctx, *f);
  }
  if (const std::optional<Field> f = m.get("controlPlane")) {
    out.control_plane = decode_patch_list(ctx, *f);
  }
  if (const std::optional<Field> f = m.get("worker")) {
    out.worker = decode_patch_list(ctx, *f);
  }
}

}  // namespace spec
