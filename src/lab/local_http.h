// Plain requests to the lab's own emulators on loopback (their admin routes), not to any real
// system: HTTPS certificates of the emulators are self-signed and not checked here.
#pragma once

#include <string>

#include "util/result.h"

namespace lab {

struct LocalReply {
  long status = 0;
  std::string body;
};

util::Result<LocalReply> local_request(const std::string& method, const std::string& url,
                                       const std::string& json_body = "");

}  // namespace lab
