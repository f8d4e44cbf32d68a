// cli::confirmed (see confirm.h).
#include "cli/confirm.h"

#include <iostream>
#include <ostream>
#include <unistd.h>

#include <fmt/format.h>

namespace cli {

bool confirmed(const Confirmation& c, bool yes, Context& ctx) {
  if (yes) {
    return true;
  }
  if (::isatty(STDIN_FILENO) == 0) {
    ctx.report(
        util::Error::invalid_input(
            fmt::format("{} needs confirmation, and stdin is not a terminal", c.verb))
            .with_hint(fmt::format("review {}, then run `talforge {} --yes`", c.review, c.verb)));
    return false;
  }
  *ctx.err << "\n" << c.question << " Only 'yes' is accepted: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != "yes") {
    *ctx.err << c.verb << " cancelled; nothing was changed\n";
    return false;
  }
  return true;
}

}  // namespace cli
