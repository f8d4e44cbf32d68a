#include "util/process.h"

#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

extern char** environ;

namespace util {
namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!in.eof()) {  // only complete lines
      lines.push_back(line);
    }
  }
  return lines;
}

// A child we spawned stays a zombie until reaped; reap it without blocking so kill(pid, 0)
// tells the truth.
void reap(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, WNOHANG);
}

}  // namespace

Result<pid_t> spawn_detached(const std::vector<std::string>& argv, const std::string& log_file) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
  std::vector<char*> args;
  for (const std::string& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    return Error::io(fmt::format("cannot start {}: {}", argv[0], std::strerror(rc)));
  }
  return pid;
}

Result<std::vector<std::string>> wait_for_output_lines(pid_t pid, const std::string& log_file,
                                                       size_t lines,
                                                       std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::vector<std::string> seen = read_lines(log_file);
    if (seen.size() >= lines) {
      seen.resize(lines);
      return seen;
    }
    if (!process_alive(pid)) {
      std::ifstream in(log_file);
      std::stringstream log;
      log << in.rdbuf();
      return Error::unavailable(fmt::format(
          "process {} exited before it was ready; its log ({}):\n{}", pid, log_file, log.str()));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Error::timeout(
          fmt::format("process {} printed nothing ready within {} s; see {}", pid,
                      std::chrono::duration_cast<std::chrono::seconds>(timeout).count(), log_file));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string process_executable(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/cmdline", pid));
  std::string first;
  std::getline(in, first, '\0');
  return first;
}

bool process_alive(pid_t pid) {
  if (pid <= 0) {
    return false;
  }
  reap(pid);
  if (kill(pid, 0) != 0) {
    return false;
  }
  // A zombie has exited; its reaper (not us, for detached processes) may take its time.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const std::size_t close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}

bool stop_process(pid_t pid, std::chrono::milliseconds grace) {
  if (!process_alive(pid)) {
    return true;
  }
  kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_alive(pid)) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return !process_alive(pid);
}

}  // namespace util
