// `talforge etcd members|snapshot|restore`: etcd through the Talos API of the control planes —
// who the members are, a verified snapshot into a 0600 file, and disaster recovery from one.
#include <chrono>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/confirm.h"
#include "cli/duration.h"
#include "cli/estate.h"
#include "cli/node_common.h"
#include "cli/progress_output.h"
#include "cli/verbs.h"
#include "engine/cluster_health.h"
#include "engine/etcd_backup.h"
#include "engine/etcd_restore.h"
#include "util/clock.h"
#include "util/file.h"

namespace cli {
namespace {

struct EtcdOptions {
  NodeOptions common;
  std::string control_plane;  // --node: name or address; empty = the first that answers
  std::string file;           // snapshot: where to write; restore: what to read
  bool skip_hash_check = false;
  bool yes = false;
  std::string wait_timeout = "20m";
};

void add_common_flags(CLI::App& cmd, EtcdOptions& opts) {
  cmd.add_option("-f,--file", opts.common.file, "cluster file")->capture_default_str();
  cmd.add_option("--node", opts.control_plane,
                 "the control plane to ask, by name or address (default: the first that answers)");
  add_talosconfig_flag(cmd, opts.common.access);
}

struct ControlPlane {
  std::string name;
  std::string address;
};

// The control planes to try, in cluster.yaml's order, or the one --node names.
util::Result<std::vector<ControlPlane>> control_planes(const NodeSession& session,
                                                       const std::string& wanted) {
  std::vector<ControlPlane> out;
  for (const spec::Node* cp : session.inputs.cluster.control_planes()) {
    if (wanted.empty() || wanted == cp->name || wanted == cp->address) {
      out.push_back({cp->name, cp->address});
    }
  }
  if (out.empty()) {
    return util::Error::invalid_input(
               wanted.empty() ? "cluster.yaml has no control plane"
                              : fmt::format("{} is not a control plane of cluster.yaml", wanted))
        .with_hint("name a control plane of cluster.yaml with --node");
  }
  return out;
}

struct Reached {
  ControlPlane node;
  std::unique_ptr<talos::Api> api;
  std::vector<talos::EtcdMember> members;
};

// The first control plane whose etcd answers with its members.
util::Result<Reached> reach_etcd(const NodeSession& session, const std::vector<ControlPlane>& cps) {
  util::Error last = util::Error::unavailable("no control plane to ask");
  for (const ControlPlane& cp : cps) {
    util::Result<std::unique_ptr<talos::Api>> api = node_api(session, cp.address);
    util::Result<std::vector<talos::EtcdMember>> members =
        api.ok() ? (*api)->etcd_member_list(false)
                 : util::Result<std::vector<talos::EtcdMember>>(api.error());
    if (members.ok()) {
      return Reached{cp, std::move(*api), std::move(*members)};
    }
    last = std::move(members).error().with_context(cp.name);
  }
  return std::move(last).with_hint(
      "no control plane's etcd answered: check `talforge status`; after losing etcd on every "
      "control plane, use `talforge etcd restore FILE`");
}

std::string member_id(std::uint64_t id) { return fmt::format("{:016x}", id); }

int run_members(const EtcdOptions& opts, Context& ctx) {
  std::optional<NodeSession> session = open_node_session(opts.common, ctx);
  if (!session) {
    return kExitError;
  }
  util::Result<Reached> reached = [&]() -> util::Result<Reached> {
    ASSIGN_OR_RETURN(const std::vector<ControlPlane> cps,
                     control_planes(*session, opts.control_plane));
    return reach_etcd(*session, cps);
  }();
  if (!reached.ok()) {
    ctx.report(reached.error());
    return kExitError;
  }
  util::Tree doc = util::Tree::array();
  std::vector<std::vector<std::string>> rows = {{"ID", "HOSTNAME", "PEER URLS", "LEARNER"}};
  for (const talos::EtcdMember& m : reached->members) {
    util::Tree peers = util::Tree::array();
    for (const std::string& url : m.peer_urls) {
      peers.push_back(url);
    }
    doc.push_back({{"id", member_id(m.id)},
                   {"hostname", m.hostname},
                   {"peer_urls", peers},
                   {"is_learner", m.is_learner}});
    rows.push_back({member_id(m.id), m.hostname, fmt::format("{}", fmt::join(m.peer_urls, ",")),
                    m.is_learner ? "true" : "false"});
  }
  if (opts.common.format == "table") {
    print_table(*ctx.out, rows);
  } else {
    print_tree(*ctx.out, doc, opts.common.format);
  }
  return kExitOk;
}

constexpr const char* kDefaultSnapshotDir = "out";

std::string default_snapshot_path() {
  return engine::etcd_backup_path(kDefaultSnapshotDir, std::chrono::system_clock::now());
}

int run_snapshot(const EtcdOptions& opts, Context& ctx) {
  std::optional<NodeSession> session = open_node_session(opts.common, ctx);
  if (!session) {
    return kExitError;
  }
  util::Result<void> done = [&]() -> util::Result<void> {
    ASSIGN_OR_RETURN(const std::vector<ControlPlane> cps,
                     control_planes(*session, opts.control_plane));
    ASSIGN_OR_RETURN(Reached reached, reach_etcd(*session, cps));
    if (opts.file.empty()) {
      RETURN_IF_ERROR(util::make_dirs(kDefaultSnapshotDir, 0700));  // a fresh checkout has no out/
    }
    const std::string path = opts.file.empty() ? default_snapshot_path() : opts.file;
    ASSIGN_OR_RETURN(engine::SnapshotFile saved, engine::save_etcd_snapshot(*reached.api, path));
    *ctx.out << fmt::format("wrote {} ({} bytes, SHA-256 verified, mode 0600) from {}\n",
                            saved.path, saved.bytes, reached.node.name);
    return {};
  }();
  if (!done.ok()) {
    ctx.report(std::move(done).error().with_context("etcd snapshot"));
    return kExitError;
  }
  return kExitOk;
}

int run_restore(const EtcdOptions& opts, Context& ctx) {
  const util::Result<std::chrono::seconds> timeout =
      duration_option("--wait-timeout", opts.wait_timeout);
  if (!timeout.ok()) {
    ctx.report(timeout.error());
    return kExitError;
  }
  std::optional<NodeSession> session = open_node_session(opts.common, ctx);
  if (!session) {
    return kExitError;
  }
  const util::Result<std::vector<ControlPlane>> cps = control_planes(*session, opts.control_plane);
  if (!cps.ok()) {
    ctx.report(cps.error());
    return kExitError;
  }
  engine::EtcdRestore restore;
  restore.snapshot_path = opts.file;
  restore.node = cps->front().name;
  restore.address = cps->front().address;
  restore.control_planes = control_plane_addresses(session->inputs.cluster);
  restore.skip_hash_check = opts.skip_hash_check;
  *ctx.out << fmt::format(
      "etcd restore: {} starts etcd again from {}; the other control planes join it.\n",
      restore.node, restore.snapshot_path);
  if (!confirmed({"etcd restore", "Restore etcd from this snapshot?", "the snapshot file"},
                 opts.yes, ctx)) {
    return kExitError;
  }
  std::unique_ptr<TtyProgress> tty;
  engine::Progress progress(choose_progress(false, ctx, tty), util::system_clock());
  const engine::TalosDialer dial = talos_dialer(session->target);
  engine::WaitPolicy wait;
  wait.timeout = *timeout;
  util::Result<void> done = [&]() -> util::Result<void> {
    auto step = progress.start(restore.node, "etcd.restore");
    util::Result<void> r = engine::restore_etcd(restore, dial, progress.clock(), wait, step);
    if (!r.ok()) {
      step.fail(r.error().describe());
      return r;
    }
    step.finish("etcd recovered");
    auto health = progress.start(session->inputs.cluster.name, "cluster.health");
    r = engine::wait_cluster_healthy(session->inputs.cluster, dial, *timeout, health);
    if (!r.ok()) {
      health.fail(r.error().describe());
      return std::move(r).error().with_context("cluster health after the restore");
    }
    health.finish("all checks passed");
    return {};
  }();
  tty.reset();
  if (!done.ok()) {
    ctx.report(std::move(done).error().with_context("etcd restore"));
    return kExitError;
  }
  *ctx.out << "Restore complete: etcd runs from the snapshot and the cluster is healthy.\n";
  return kExitOk;
}

}  // namespace

void register_etcd(CLI::App& app, Context& ctx) {
  CLI::App* etcd = app.add_subcommand(
      "etcd", "etcd of the control planes: members, snapshots, disaster recovery");
  etcd->require_subcommand(1);

  auto members = std::make_shared<EtcdOptions>();
  CLI::App* list =
      etcd->add_subcommand("members", "List the etcd members (as one control plane sees them)");
  add_common_flags(*list, *members);
  list->add_option("-o,--output", members->common.format, "output format")
      ->check(CLI::IsMember({"table", "json", "yaml"}))
      ->capture_default_str();
  list->callback([members, &ctx] { ctx.exit_code = run_members(*members, ctx); });

  auto snapshot = std::make_shared<EtcdOptions>();
  CLI::App* save = etcd->add_subcommand(
      "snapshot", "Stream an etcd snapshot into a file (0600), verified by its SHA-256");
  add_common_flags(*save, *snapshot);
  save->add_option("-o,--output", snapshot->file,
                   "the file to write (default: out/etcd-<UTC time>.snapshot)");
  save->callback([snapshot, &ctx] { ctx.exit_code = run_snapshot(*snapshot, ctx); });

  auto restore = std::make_shared<EtcdOptions>();
  CLI::App* recover = etcd->add_subcommand(
      "restore",
      "Disaster recovery: start etcd again from a snapshot once every control plane has lost "
      "its etcd data (refused while etcd runs)");
  add_common_flags(*recover, *restore);
  recover->add_option("snapshot", restore->file, "the snapshot file")->required();
  recover->add_flag("--skip-hash-check", restore->skip_hash_check,
                    "for a snapshot copied from an etcd data directory (it has no SHA-256)");
  recover->add_flag("-y,--yes", restore->yes, "restore without asking (for automation)");
  recover->add_option("--wait-timeout", restore->wait_timeout,
                      "how long to wait for etcd to take the snapshot and the cluster to be "
                      "healthy (e.g. 90s, 20m)")
      ->capture_default_str();
  recover->callback([restore, &ctx] { ctx.exit_code = run_restore(*restore, ctx); });
}

}  // namespace cli
