// util::run_shell_command (see run_command.h).
#include "util/run_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

extern char** environ;

namespace util {
namespace {

constexpr std::size_t kOutputKept = 4096;

std::vector<std::string> environment_with(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (extra.count(entry.substr(0, entry.find('='))) == 0) {
      out.push_back(entry);
    }
  }
  for (const auto& [name, value] : extra) {
    out.push_back(name + "=" + value);
  }
  return out;
}

// Runs in the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(int out_fd, const char* directory, char* const argv[],
                             char* const envp[]) {
  setpgid(0, 0);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  dup2(null_fd, 0);
  dup2(out_fd, 1);
  dup2(out_fd, 2);
  if (chdir(directory) != 0) {
    _exit(126);
  }
  execve("/bin/sh", argv, envp);
  _exit(127);
}

}  // namespace

Result<CommandRun> run_shell_command(const std::string& command, const std::string& directory,
                                     const std::map<std::string, std::string>& extra_env,
                                     std::chrono::milliseconds limit) {
  const std::vector<std::string> env = environment_with(extra_env);
  std::vector<char*> envp;
  for (const std::string& e : env) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);
  std::string sh = "sh", dash_c = "-c", text = command;
  char* argv[] = {sh.data(), dash_c.data(), text.data(), nullptr};
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return Error::unavailable(fmt::format("pipe: {}", std::strerror(errno)));
  }
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Error::unavailable(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    exec_child(fds[1], directory.c_str(), argv, envp.data());
  }
  close(fds[1]);
  setpgid(pid, pid);  // as the child does: whichever runs first, kill(-pid) reaches the group
  CommandRun run;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  const auto keep = [&run](const char* data, ssize_t n) {
    run.output.append(data, static_cast<std::size_t>(n));
    if (run.output.size() > kOutputKept) {
      run.output.erase(0, run.output.size() - kOutputKept);
    }
  };
  char buffer[4096];
  int status = 0;
  bool exited = false;
  while (!exited) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 50))) > 0) {
      const ssize_t n = read(fds[0], buffer, sizeof buffer);
      if (n > 0) {
        keep(buffer, n);
      }
    }
    const pid_t reaped = waitpid(pid, &status, WNOHANG);
    if (reaped < 0 && errno != EINTR) {
      const int error = errno;
      kill(-pid, SIGKILL);
      close(fds[0]);
      return Error::internal(fmt::format("waitpid: {}", std::strerror(error)));
    }
    exited = reaped == pid;
  }
  // Whatever it left behind (a background job holding the pipe, or all of it after the limit).
  kill(-pid, SIGKILL);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) {
    keep(buffer, n);
  }
  close(fds[0]);
  if (!exited) {
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) {
        return Error::internal(fmt::format("waitpid: {}", std::strerror(errno)));
      }
    }
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

}  // namespace util
