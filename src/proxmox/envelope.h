// The {"data": …} envelope of every PVE answer and the mapping of PVE errors to util::Error
// (proxmox.md §1.4, §1.5, §3.3): the error's text is in the reason phrase and, on newer
// servers, in "message"; parameter errors list each parameter under "errors".
#pragma once

#include <nlohmann/json.hpp>

#include "proxmox/http.h"

namespace proxmox {

// The `data` value of a 2xx answer, or the answer's error as a util::Error whose code tells the
// caller what to do: InvalidInput (400: our request is wrong), PermissionDenied (401/403),
// NotFound, AlreadyExists, Conflict (VM locked / running / not running), Unavailable (59x, 502,
// 503, lock timeouts, worker start failures: safe to retry), Internal (anything else).
util::Result<nlohmann::json> decode_response(const HttpRequest& request,
                                             const HttpResponse& response);

// True for PVE failures that a retry may cure (the same classification decode_response uses
// for Unavailable), for texts that arrive inside a task's exitstatus.
bool is_transient_failure_text(const std::string& text);

}  // namespace proxmox
