// Reading and atomically writing files (write temp + fsync + rename), with explicit modes.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

#include "util/result.h"

namespace util {

// Mode of every file holding key material or tokens (bundles, machine configs, talosconfig).
constexpr mode_t kSecretFileMode = 0600;

Result<std::string> read_file(const std::string& path);

// Writes `content` to `path` atomically: a temporary file in the same directory, fsync, chmod
// to `mode`, rename over the target, fsync of the directory. The target is never half-written.
Result<void> write_file_atomic(const std::string& path, std::string_view content, mode_t mode);

// Like write_file_atomic, but fails with AlreadyExists when `path` exists (checked via link(2),
// so a concurrent writer cannot be overwritten either).
Result<void> write_file_exclusive(const std::string& path, std::string_view content, mode_t mode);

// A file written piece by piece (a download, a snapshot stream) that appears under its name only
// when commit() succeeds: a temporary beside it, created with `mode`, fsynced and renamed. Until
// then — and when the writer is dropped without commit — nothing is at `path` that was not there.
class AtomicFileWriter {
 public:
  static Result<AtomicFileWriter> create(const std::string& path, mode_t mode);
  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  Result<void> write(std::string_view chunk);
  Result<void> commit();

 private:
  AtomicFileWriter(std::string path, std::string temp, int fd);
  void discard();

  std::string path_;
  std::string temp_;
  int fd_ = -1;
};

bool file_exists(const std::string& path);

// Creates `dir` and its parents with `mode` when missing.
Result<void> make_dirs(const std::string& dir, mode_t mode);

}  // namespace util
