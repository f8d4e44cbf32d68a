#include "cli/duration.h"

#include <charconv>

#include <fmt/format.h>

namespace cli {

std::optional<std::chrono::seconds> parse_duration(const std::string& text) {
  if (text.size() < 2) {
    return std::nullopt;
  }
  long value = 0;
  const char* end = text.data() + text.size() - 1;
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value <= 0) {
    return std::nullopt;
  }
  switch (text.back()) {
    case 's':
      return std::chrono::seconds(value);
    case 'm':
      return std::chrono::minutes(value);
    case 'h':
      return std::chrono::hours(value);
    default:
      return std::nullopt;
  }
}

util::Result<std::chrono::seconds> duration_option(const std::string& flag,
                                                   const std::string& text) {
  const std::optional<std::chrono::seconds> value = parse_duration(text);
  if (!value) {
    return util::Error::invalid_input(fmt::format("{} '{}' is not a duration", flag, text))
        .with_hint("write it like 90s, 20m or 1h");
  }
  return *value;
}

}  // namespace cli
