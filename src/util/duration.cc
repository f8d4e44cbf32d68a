// util::parse_duration (see duration.h).
#include "util/duration.h"

#include <charconv>

namespace util {

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

}  // namespace util
