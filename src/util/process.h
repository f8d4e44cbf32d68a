// Background processes a command starts and later stops (the lab's emulators): spawn detached
// with output to a log file, wait for a line the process prints when ready, check and stop by pid.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "util/result.h"

namespace util {

// Starts argv detached from the caller's session (own process group, stdin /dev/null, stdout
// and stderr appended to `log_file`), so it outlives the command that started it.
Result<pid_t> spawn_detached(const std::vector<std::string>& argv, const std::string& log_file);

// Waits until `log_file` holds at least `lines` lines and returns them; Unavailable when the
// process exits first (its log is quoted), Timeout after `timeout`.
Result<std::vector<std::string>> wait_for_output_lines(pid_t pid, const std::string& log_file,
                                                       size_t lines,
                                                       std::chrono::milliseconds timeout);

bool process_alive(pid_t pid);

// argv[0] of a running process ("" when gone): tells a recorded pid from a recycled one.
std::string process_executable(pid_t pid);

// SIGTERM, then SIGKILL after `grace`; true when the process is gone.
bool stop_process(pid_t pid, std::chrono::milliseconds grace);

}  // namespace util
