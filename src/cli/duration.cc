#include "cli/duration.h"

#include <fmt/format.h>

#include "util/duration.h"

namespace cli {

util::Result<std::chrono::seconds> duration_option(const std::string& flag,
                                                   const std::string& text) {
  const std::optional<std::chrono::seconds> value = util::parse_duration(text);
  if (!value) {
    return util::Error::invalid_input(fmt::format("{} '{}' is not a duration", flag, text))
        .with_hint("write it like 90s, 20m or 1h");
  }
  return *value;
}

}  // namespace cli
