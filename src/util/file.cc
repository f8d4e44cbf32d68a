// File helpers; every failure names the path and the system error.
#include "util/file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace util {
namespace {

Error errno_error(std::string_view what, const std::string& path) {
  return Error::io(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

std::string dir_of(const std::string& path) {
  const std::filesystem::path p(path);
  const std::string parent = p.parent_path().string();
  return parent.empty() ? "." : parent;
}

std::string temp_name_for(const std::string& path) {
  std::random_device rd;
  return fmt::format("{}/.{}.tmp-{:08x}", dir_of(path),
                     std::filesystem::path(path).filename().string(), rd());
}

Result<void> fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return errno_error("open directory", dir);
  }
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) {
    return errno_error("fsync directory", dir);
  }
  return {};
}

Result<int> open_temp(const std::string& path, const std::string& tmp, mode_t mode) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    // Name the file the caller asked for (and its directory), not our temporary name.
    return Error::io(fmt::format("cannot write {}: {} (in directory {})", path,
                                 std::strerror(errno), dir_of(path)));
  }
  return fd;
}

Result<void> write_all(int fd, std::string_view content, const std::string& name) {
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno_error("write", name);
    }
    written += static_cast<size_t>(n);
  }
  return {};
}

// Writes a fresh temporary file beside `path` and returns its name.
Result<std::string> write_temp(const std::string& path, std::string_view content, mode_t mode) {
  const std::string tmp = temp_name_for(path);
  ASSIGN_OR_RETURN(const int fd, open_temp(path, tmp, mode));
  if (Result<void> written = write_all(fd, content, tmp); !written.ok()) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return written.error();
  }
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    Error e = errno_error("sync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  }
  ::close(fd);
  return tmp;
}

}  // namespace

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error::not_found(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    return errno_error("read", path);
  }
  return ss.str();
}

Result<void> write_file_atomic(const std::string& path, std::string_view content, mode_t mode) {
  ASSIGN_OR_RETURN(const std::string tmp, write_temp(path, content, mode));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = errno_error("rename into", path);
    ::unlink(tmp.c_str());
    return e;
  }
  return fsync_dir(dir_of(path));
}

Result<void> write_file_exclusive(const std::string& path, std::string_view content, mode_t mode) {
  ASSIGN_OR_RETURN(const std::string tmp, write_temp(path, content, mode));
  // link(2) fails with EEXIST instead of replacing: no window in which an existing file is lost.
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(tmp.c_str());
    if (saved == EEXIST) {
      return Error::already_exists(fmt::format("{} already exists", path));
    }
    errno = saved;
    return errno_error("create", path);
  }
  ::unlink(tmp.c_str());
  return fsync_dir(dir_of(path));
}

Result<AtomicFileWriter> AtomicFileWriter::create(const std::string& path, mode_t mode) {
  std::string tmp = temp_name_for(path);
  ASSIGN_OR_RETURN(const int fd, open_temp(path, tmp, mode));
  AtomicFileWriter writer(path, std::move(tmp), fd);
  if (::fchmod(fd, mode) != 0) {  // the mode asked for, whatever the umask
    return errno_error("chmod", path);
  }
  return writer;
}

AtomicFileWriter::AtomicFileWriter(std::string path, std::string temp, int fd)
    : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : path_(std::move(other.path_)), temp_(std::move(other.temp_)), fd_(other.fd_) {
  other.fd_ = -1;
  other.temp_.clear();
}

AtomicFileWriter::~AtomicFileWriter() { discard(); }

void AtomicFileWriter::discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
    temp_.clear();
  }
}

Result<void> AtomicFileWriter::write(std::string_view chunk) {
  if (fd_ < 0) {
    return Error::internal(fmt::format("write to {} after it was committed", path_));
  }
  return write_all(fd_, chunk, temp_);
}

Result<void> AtomicFileWriter::commit() {
  if (fd_ < 0) {
    return Error::internal(fmt::format("{} committed twice", path_));
  }
  if (::fsync(fd_) != 0) {
    Error e = errno_error("sync", temp_);
    discard();
    return e;
  }
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    Error e = errno_error("rename into", path_);
    discard();
    return e;
  }
  temp_.clear();
  return fsync_dir(dir_of(path_));
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Result<void> make_dirs(const std::string& dir, mode_t mode) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    return {};
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Error::io(fmt::format("create directory {}: {}", dir, ec.message()));
  }
  ::chmod(dir.c_str(), mode);
  return {};
}

}  // namespace util
