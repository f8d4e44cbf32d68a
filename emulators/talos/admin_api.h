// The emulator's loopback-only admin HTTP API (JSON), used by the Proxmox emulator and tests:
// power nodes on/off, inject faults, read counters and the critical path. See README.md.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "emulators/talos/emulator.h"
#include "util/result.h"

namespace httplib {
class Server;
}

namespace talos_emu {

class AdminApi {
 public:
  // Binds `host:port` (port 0 = ephemeral). Only loopback hosts are accepted.
  static util::Result<std::unique_ptr<AdminApi>> start(Emulator& emulator, const std::string& host,
                                                       int port);
  ~AdminApi();
  AdminApi(const AdminApi&) = delete;
  AdminApi& operator=(const AdminApi&) = delete;

  std::string url() const;  // http://host:port
  void stop();

 private:
  AdminApi(Emulator& emulator, std::string host);
  void routes();

  Emulator& emulator_;
  std::string host_;
  int port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace talos_emu
