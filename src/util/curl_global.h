// libcurl's process-wide initialisation, done once for every libcurl user in talforge (the
// Proxmox transport, the Image Factory client). curl_global_init is not thread-safe and must not
// run twice concurrently; an inline function's static is one object across all translation units.
// Header-only, so talforge_util itself needs no libcurl.
#pragma once

#include <curl/curl.h>

#include <mutex>

namespace util {

inline void curl_global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace util
