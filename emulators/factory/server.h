// The Image Factory emulator's HTTP server (talos.md §8) on a loopback address. Besides the
// factory's own routes it answers /_emulator/counters for tests (what was posted and fetched).
#pragma once

#include <memory>
#include <string>

#include "util/result.h"

namespace factory_emu {

class FactoryServer {
 public:
  // Binds `address:port` (port 0 = any free port) and serves until stop() or destruction.
  static util::Result<std::unique_ptr<FactoryServer>> start(const std::string& address, int port);
  virtual ~FactoryServer() = default;

  virtual int port() const = 0;
  virtual std::string url() const = 0;  // "http://<address>:<port>"
  virtual void stop() = 0;
};

}  // namespace factory_emu
