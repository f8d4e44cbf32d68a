// A short-lived shell command whose exit status and output matter (the user's upgrade gate):
// `/bin/sh -c TEXT` in a directory, with extra environment variables, its output captured and a
// time limit after which its process group is killed.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "util/result.h"

namespace util {

struct CommandRun {
  int exit_code = 0;   // 128 + signal when killed by one
  std::string output;  // stdout and stderr interleaved, the last 4 KiB at most
  bool timed_out = false;
};

// Unavailable when the shell cannot be started; otherwise the run, whatever its exit code. When
// the shell exits, or at the limit, its process group is killed: nothing it started outlives it.
Result<CommandRun> run_shell_command(const std::string& command, const std::string& directory,
                                     const std::map<std::string, std::string>& extra_env,
                                     std::chrono::milliseconds limit);

}  // namespace util
