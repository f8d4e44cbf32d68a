// The Proxmox VE emulator: HTTPS on a loopback address serving /api2/json/… of a PVE cluster
// (proxmox.md), with a self-signed certificate made at start. Besides the PVE API it answers
// emulator-only admin routes (README.md): /_emulator/faults, /_emulator/counters, /_emulator/tokens.
#pragma once

#include <memory>
#include <string>

#include "emulators/proxmox/options.h"
#include "util/result.h"

namespace pve_emu {

class ProxmoxServer {
 public:
  // Loads the schema of the chosen version, the tokens file, generates the certificate, binds and
  // starts serving on a background thread.
  static util::Result<std::unique_ptr<ProxmoxServer>> start(const EmulatorOptions& options);
  virtual ~ProxmoxServer() = default;

  virtual int port() const = 0;
  virtual std::string url() const = 0;          // "https://<address>:<port>"
  virtual std::string fingerprint() const = 0;  // SHA-256, "AA:BB:…"
  virtual std::string cert_pem() const = 0;
  virtual void stop() = 0;
};

}  // namespace pve_emu
