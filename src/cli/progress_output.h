// Renderers of engine progress events: one plain line per event (logs, CI) or NDJSON (one JSON
// object per line, for automation). Events never carry secrets.
#pragma once

#include <iosfwd>

#include "engine/progress.h"

namespace cli {

// "  12.3s  cp-1        talos.config      done      configured"
engine::EventSink plain_progress(std::ostream& out);

// {"target":"cp-1","step":"talos.config","state":"done","message":"…","elapsed_ms":812}
engine::EventSink ndjson_progress(std::ostream& out);

}  // namespace cli
