// Client-side validation of every Proxmox request against the PVE API schema of its endpoint
// (the endpoints talforge calls, extracted from apidata.json by scripts/gen-pve-schema), with
// PVE's own messages: a request PVE would answer with 400 never leaves talforge.
#pragma once

#include "proxmox/http.h"

namespace proxmox {

// The generated schema table (api_schema_data.cc): JSON array of
// {method, path, additional, properties}.
const char* api_schema_json();

// InvalidInput naming each bad parameter; Internal when talforge calls an endpoint the table
// does not cover (add it to scripts/gen-pve-schema).
util::Result<void> validate_request(const HttpRequest& request);

}  // namespace proxmox
