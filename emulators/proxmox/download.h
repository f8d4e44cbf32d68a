// The download-url worker (proxmox.md §2.14): fetches a URL over loopback only (the emulator
// refuses every other host), verifies the checksum, "decompresses" (stand-in assets are text, so
// only the method name is checked) and stores the volume.
#pragma once

#include <string>

#include "emulators/proxmox/emulator.h"

namespace pve_emu {

struct DownloadRequest {
  std::string node, storage, url, content, filename;  // filename already normalised
  std::string checksum, checksum_algorithm, compression;
  bool verify_certificates = true;
};

// Task body: "" on success, else PVE's task error text.
std::string run_download(Emulator& emu, TaskContext& ctx, const DownloadRequest& request);

// PVE's file name rule: drop any path, replace chars outside [a-zA-Z0-9_.-] with '_'.
std::string normalise_filename(const std::string& filename);

}  // namespace pve_emu
