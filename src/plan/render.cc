// Text and JSON views of a Plan (see render.h).
#include "plan/render.h"

#include <string>

#include <fmt/format.h>

#include "util/yaml_emit.h"

namespace plan {
namespace {

struct Style {
  const char* symbol;
  const char* color;  // ANSI SGR
};

Style style_of(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::Create:
      return {"+", "32"};
    case ChangeKind::Update:
      return {"~", "33"};
    case ChangeKind::Replace:
      return {"-/+", "31"};
    case ChangeKind::Delete:
      return {"-", "31"};
    case ChangeKind::Run:
      return {">", "36"};
  }
  return {"?", "0"};
}

std::string change_line(const Change& change, bool color) {
  const Style style = style_of(change.kind);
  std::string symbol = fmt::format("{:>3}", style.symbol);
  if (color) {
    symbol = fmt::format("\033[{}m{}\033[0m", style.color, symbol);
  }
  std::string line =
      fmt::format("{} {:<15} {}", symbol, subject_name(change.subject), change.target);
  if (!change.reason.empty()) {
    line += fmt::format("  ({})", change.reason);
  }
  line += "\n";
  for (const std::string& detail : change.details) {
    line += fmt::format("      {}\n", detail);
  }
  return line;
}

}  // namespace

const char* action_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::Create:
      return "create";
    case ChangeKind::Update:
      return "update";
    case ChangeKind::Replace:
      return "replace";
    case ChangeKind::Delete:
      return "delete";
    case ChangeKind::Run:
      return "run";
  }
  return "unknown";
}

const char* subject_name(Subject subject) {
  switch (subject) {
    case Subject::BootImage:
      return "boot-image";
    case Subject::Vm:
      return "vm";
    case Subject::Power:
      return "power";
    case Subject::MachineConfig:
      return "machine-config";
    case Subject::Bootstrap:
      return "bootstrap";
    case Subject::EtcdMember:
      return "etcd-member";
    case Subject::Talos:
      return "talos";
    case Subject::Uncordon:
      return "uncordon";
    case Subject::Kubernetes:
      return "kubernetes";
    case Subject::Manifests:
      return "manifests";
  }
  return "unknown";
}

Summary summarize(const Plan& plan) {
  Summary s;
  for (const Change& change : plan.changes) {
    switch (change.kind) {
      case ChangeKind::Create:
        ++s.create;
        break;
      case ChangeKind::Update:
        ++s.update;
        break;
      case ChangeKind::Replace:
        ++s.replace;
        break;
      case ChangeKind::Delete:
        ++s.destroy;
        break;
      case ChangeKind::Run:
        ++s.run;
        break;
    }
  }
  return s;
}

std::string render_text(const Plan& plan, bool color) {
  std::string out;
  for (const Change& change : plan.changes) {
    out += change_line(change, color);
  }
  if (!plan.notes.empty()) {
    out += plan.changes.empty() ? "" : "\n";
    for (const std::string& note : plan.notes) {
      out += fmt::format("note: {}\n", note);
    }
  }
  if (!plan.blockers.empty()) {
    out += "\n";
    for (const std::string& blocker : plan.blockers) {
      out += fmt::format("error: {}\n", blocker);
    }
    return out + "Refusing to change anything until every error above is resolved.\n";
  }
  if (plan.empty()) {
    return out + "No changes: the cluster matches cluster.yaml.\n";
  }
  const Summary s = summarize(plan);
  return out + fmt::format(
                   "\nPlan: {} to create, {} to update, {} to replace, {} to destroy, {} {} to "
                   "run.\n",
                   s.create, s.update, s.replace, s.destroy, s.run, s.run == 1 ? "step" : "steps");
}

nlohmann::json render_json(const Plan& plan) {
  nlohmann::json changes = nlohmann::json::array();
  for (const Change& change : plan.changes) {
    changes.push_back({{"action", action_name(change.kind)},
                       {"subject", subject_name(change.subject)},
                       {"target", change.target},
                       {"details", change.details},
                       {"reason", change.reason}});
  }
  const Summary s = summarize(plan);
  return {{"changes", changes},
          {"notes", plan.notes},
          {"blockers", plan.blockers},
          {"summary",
           {{"create", s.create},
            {"update", s.update},
            {"replace", s.replace},
            {"destroy", s.destroy},
            {"run", s.run}}}};
}

std::string render_yaml(const Plan& plan) {
  return util::emit_yaml(util::Tree::parse(render_json(plan).dump()));
}

}  // namespace plan
