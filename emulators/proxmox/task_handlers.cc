// Task status, log and list (proxmox.md §2.15).
#include <fmt/format.h>

#include "emulators/proxmox/emulator.h"

namespace pve_emu {
namespace {

using nlohmann::json;

json task_json(const TaskInfo& task) {
  json out = {{"upid", task.upid},       {"node", task.node}, {"pid", task.pid},
              {"pstart", task.pstart},   {"starttime", task.starttime},
              {"type", task.type},       {"id", task.id},     {"user", task.user},
              {"status", task.running ? "running" : "stopped"}};
  if (!task.token_name.empty()) {
    out["tokenid"] = task.token_name;
  }
  if (!task.running) {
    out["exitstatus"] = task.exitstatus;
  }
  return out;
}

// The task named by the call, or the 400 PVE answers for a bad or unknown UPID.
std::optional<TaskInfo> lookup(Emulator& emu, const Call& call, Reply* error) {
  const std::string upid = call.param("upid");
  if (!is_valid_upid(upid)) {
    *error = reply_param_error("upid", "unable to parse worker upid");
    return std::nullopt;
  }
  std::optional<TaskInfo> task = emu.tasks.find(upid);
  if (!task || task->node != call.node()) {
    *error = reply_param_error("upid", "no such task");
    return std::nullopt;
  }
  if (task->user + (task->token_name.empty() ? "" : "!" + task->token_name) !=
          call.who.token_id &&
      !call.who.privileges.contains("Sys.Audit")) {
    *error = reply_error(403, fmt::format("Permission check failed (/nodes/{}, Sys.Audit)",
                                          call.node()));
    return std::nullopt;
  }
  return task;
}

Reply status(Emulator& emu, const Call& call) {
  Reply error;
  std::optional<TaskInfo> task = lookup(emu, call, &error);
  return task ? reply_data(task_json(*task)) : error;
}

Reply log(Emulator& emu, const Call& call) {
  Reply error;
  std::optional<TaskInfo> task = lookup(emu, call, &error);
  if (!task) {
    return error;
  }
  const long long start = std::stoll(call.param("start", "0"));
  const long long limit = std::stoll(call.param("limit", "50"));
  std::vector<std::string> lines = task->log;
  if (lines.empty()) {
    lines.push_back("no content");
  }
  json data = json::array();
  for (long long i = start; i < static_cast<long long>(lines.size()); ++i) {
    if (limit != 0 && i >= start + limit) {
      break;
    }
    data.push_back({{"n", i + 1}, {"t", lines[static_cast<size_t>(i)]}});
  }
  Reply reply = reply_data(data);
  reply.total = static_cast<long long>(lines.size());
  return reply;
}

Reply list(Emulator& emu, const Call& call) {
  const std::string source = call.param("source", "archive");
  json data = json::array();
  for (const TaskInfo& task : emu.tasks.list(call.node())) {
    if ((source == "active" && !task.running) || (source == "archive" && task.running)) {
      continue;
    }
    if (call.params.contains("vmid") && task.id != call.param("vmid")) {
      continue;
    }
    json item = task_json(task);
    if (!task.running) {
      item["endtime"] = task.endtime;
      item["status"] = task.exitstatus;
      item.erase("exitstatus");
    }
    data.push_back(item);
  }
  Reply reply = reply_data(data);
  reply.total = static_cast<long long>(data.size());
  return reply;
}

}  // namespace

void register_task_handlers(HandlerTable& table) {
  table[{"GET", "/nodes/{node}/tasks/{upid}/status"}] = status;
  table[{"GET", "/nodes/{node}/tasks/{upid}/log"}] = log;
  table[{"GET", "/nodes/{node}/tasks"}] = list;
}

}  // namespace pve_emu
