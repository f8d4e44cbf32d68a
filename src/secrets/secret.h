// secrets::Secret — key material and tokens that refuse to print themselves (STYLE.md).
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace secrets {

// Holds a secret string. Streaming or formatting it yields "<redacted>"; the value is only
// reachable through reveal(), which the few writers of secret files and configs call. The
// buffer is wiped when the object dies.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret& other) = default;
  Secret(Secret&& other) noexcept;
  Secret& operator=(const Secret& other);
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

  friend bool operator==(const Secret& a, const Secret& b) { return a.value_ == b.value_; }

 private:
  void wipe();

  std::string value_;
};

inline constexpr std::string_view kRedacted = "<redacted>";

std::ostream& operator<<(std::ostream& os, const Secret& secret);

}  // namespace secrets

template <>
struct fmt::formatter<secrets::Secret> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const secrets::Secret&, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(secrets::kRedacted, ctx);
  }
};
