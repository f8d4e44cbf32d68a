// Name syntax: RFC 1123 labels (node names become hostnames) and character-class checks.
#include <cctype>

#include "spec/validate.h"

namespace spec {

bool is_dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') {
    return false;
  }
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return true;
}

bool is_dns_name(std::string_view s) {
  if (s.empty() || s.size() > 253) {
    return false;
  }
  while (true) {
    const size_t dot = s.find('.');
    if (!is_dns_label(s.substr(0, dot))) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    s.remove_prefix(dot + 1);
  }
}

bool matches_charset(std::string_view s, std::string_view first, std::string_view rest) {
  if (s.empty() || first.find(s.front()) == std::string_view::npos) {
    return false;
  }
  return s.find_first_not_of(rest) == std::string_view::npos;
}

}  // namespace spec
