// Whether anything accepts a TCP connection at host:port, without sending a byte: a cheap way to
// tell "the machine is still booting" (refused or silent) from "a server listens".
#pragma once

#include <chrono>
#include <string>

namespace util {

// `host` is an IP address (v4, or v6 without brackets) or a name; false on refusal, on no answer
// within `timeout`, and when the name does not resolve.
bool accepts_tcp(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace util
