// Field and label selectors of list and watch queries (equality, inequality, existence).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace kube_emu {

struct Requirement {
  enum class Op { Equals, NotEquals, Exists, NotExists };
  std::string key;
  Op op = Op::Equals;
  std::string value;
};

struct Selector {
  std::vector<Requirement>
      fields;  // fieldSelector: metadata.name, metadata.namespace, spec.nodeName, status.phase
  std::vector<Requirement> labels;  // labelSelector

  bool matches(const nlohmann::json& object) const;
};

// Parses the (URL-decoded) query values; either may be empty. InvalidInput on bad syntax.
util::Result<Selector> parse_selector(const std::string& field_selector,
                                      const std::string& label_selector);

}  // namespace kube_emu
