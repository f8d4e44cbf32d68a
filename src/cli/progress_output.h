// Renderers of engine progress events: one plain line per event (logs, CI) or NDJSON (one JSON
// object per line, for automation). Events never carry secrets.
#pragma once

#include <iosfwd>
#include <memory>

#include "cli/context.h"
#include "cli/progress_tty.h"
#include "engine/progress.h"

namespace cli {

// "  12.3s  cp-1        talos.config      done      configured"
engine::EventSink plain_progress(std::ostream& out);

// {"target":"cp-1","step":"talos.config","state":"done","message":"…","elapsed_ms":812}
engine::EventSink ndjson_progress(std::ostream& out);

// What a changing verb shows: NDJSON on stdout with -o json; else the live view when stderr is a
// terminal (kept in `tty`, which must be reset before anything else is printed), else lines.
engine::EventSink choose_progress(bool json, Context& ctx, std::unique_ptr<TtyProgress>& tty);

}  // namespace cli
