// RFC 3339 and human duration formatting for object timestamps and Age cells.
#include "emulators/kube/time_format.h"

#include <cstdio>
#include <ctime>

#include <fmt/format.h>

namespace kube_emu {

std::string format_timestamp(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::optional<std::chrono::system_clock::time_point> parse_timestamp(const std::string& text) {
  std::tm tm{};
  char zone = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &zone) != 7 ||
      zone != 'Z') {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string human_duration(std::chrono::seconds d) {
  const int64_t s = d.count() < 0 ? 0 : d.count();
  const int64_t minutes = s / 60, hours = s / 3600, days = s / 86400, years = days / 365;
  auto pair = [](int64_t a, const char* ua, int64_t b, const char* ub) {
    return b == 0 ? fmt::format("{}{}", a, ua) : fmt::format("{}{}{}{}", a, ua, b, ub);
  };
  if (s < 120) {
    return fmt::format("{}s", s);
  }
  if (minutes < 10) {
    return pair(minutes, "m", s % 60, "s");
  }
  if (minutes < 180) {
    return fmt::format("{}m", minutes);
  }
  if (hours < 8) {
    return pair(hours, "h", minutes % 60, "m");
  }
  if (hours < 48) {
    return fmt::format("{}h", hours);
  }
  if (hours < 192) {
    return pair(days, "d", hours % 24, "h");
  }
  if (years < 2) {
    return fmt::format("{}d", days);
  }
  if (years < 8) {
    return pair(years, "y", days % 365, "d");
  }
  return fmt::format("{}y", years);
}

}  // namespace kube_emu
