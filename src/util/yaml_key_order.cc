// Natural key order of yaml.v3 (sorter.go), for maps and free-form objects.
#include "util/yaml_key_order.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

namespace util {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_letter(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

bool yaml_key_less(std::string_view a, std::string_view b) {
  bool digits = false;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) {
      digits = is_digit(a[i]);
      continue;
    }
    const bool al = is_letter(a[i]);
    const bool bl = is_letter(b[i]);
    if (al && bl) {
      return a[i] < b[i];
    }
    if (al || bl) {
      return digits ? al : bl;
    }
    int64_t an = 0, bn = 0;
    if (a[i] == '0' || b[i] == '0') {
      for (size_t j = i; j-- > 0 && is_digit(a[j]);) {
        if (a[j] != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    size_t ai = i, bi = i;
    for (; ai < a.size() && is_digit(a[ai]); ++ai) {
      an = an * 10 + (a[ai] - '0');
    }
    for (; bi < b.size() && is_digit(b[bi]); ++bi) {
      bn = bn * 10 + (b[bi] - '0');
    }
    if (an != bn) {
      return an < bn;
    }
    if (ai != bi) {
      return ai < bi;
    }
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

Tree sort_keys(const Tree& value, bool deep) {
  if (value.is_array()) {
    if (!deep) {
      return value;
    }
    Tree out = Tree::array();
    for (const Tree& item : value) {
      out.push_back(sort_keys(item, true));
    }
    return out;
  }
  if (!value.is_object()) {
    return value;
  }
  std::vector<std::string> keys;
  for (auto it = value.begin(); it != value.end(); ++it) {
    keys.push_back(it.key());
  }
  std::stable_sort(keys.begin(), keys.end(),
                   [](const std::string& x, const std::string& y) { return yaml_key_less(x, y); });
  Tree out = Tree::object();
  for (const std::string& k : keys) {
    out[k] = deep ? sort_keys(value.at(k), true) : value.at(k);
  }
  return out;
}

}  // namespace util
