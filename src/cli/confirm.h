// Asking before a verb changes the estate, the way terraform does: --yes skips the question; with
// no terminal to ask on, the answer is no (a script must say --yes).
#pragma once

#include <string>

#include "cli/context.h"

namespace cli {

struct Confirmation {
  std::string verb;      // "apply", "destroy"
  std::string question;  // "Apply these changes?"
  std::string review;    // what to look at before --yes, for the hint
};

// true = go ahead. Reports why not on ctx.
bool confirmed(const Confirmation& confirmation, bool yes, Context& ctx);

}  // namespace cli
