// A Plan for people (terraform-style lines with a summary) and for programs (JSON).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "plan/model.h"

namespace plan {

struct Summary {
  int create = 0;
  int update = 0;
  int replace = 0;
  int destroy = 0;
  int run = 0;
};

Summary summarize(const Plan& plan);

// "+ vm cp-1 …" lines (+ create, ~ update, -/+ replace, - delete, > run), notes, then
// "Plan: 3 to create, 1 to update, 0 to replace, 0 to destroy, 1 step to run." or
// "No changes: the cluster matches cluster.yaml."
std::string render_text(const Plan& plan, bool color);

// {"changes":[{"action","subject","target","details","reason"}],"notes":[…],"summary":{…}}
nlohmann::json render_json(const Plan& plan);
// The same document as YAML.
std::string render_yaml(const Plan& plan);

const char* action_name(ChangeKind kind);   // create | update | replace | delete | run
const char* subject_name(Subject subject);  // boot-image | vm | power | machine-config | bootstrap | etcd-member

}  // namespace plan
