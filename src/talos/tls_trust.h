// Telling "this server's certificate is not from the CA we trust" apart from "not there yet":
// the first is a wrong or regenerated secrets bundle (or another cluster at that address) and
// must stop talforge; the second is worth waiting for.
#pragma once

#include "util/result.h"

namespace talos {

// True when a Secure-mode call failed because the server's certificate did not verify against
// the OS CA (the TLS handshake reached the server and was refused by our side).
bool is_untrusted_server_certificate(const util::Error& error);

}  // namespace talos
