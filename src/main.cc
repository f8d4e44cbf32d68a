// talforge entry point: builds the CLI11 app from cli/, runs it, maps the result to an exit code.
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/context.h"
#include "cli/verbs.h"

int main(int argc, char** argv) {
  cli::Context ctx{&std::cout, &std::cerr};
  CLI::App app{"talforge — Talos Kubernetes clusters on Proxmox VE from one declarative file",
               "talforge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("talforge ") + TALFORGE_VERSION);
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "More diagnostics on stderr (repeat for more)");
  spdlog::set_default_logger(spdlog::stderr_color_mt("talforge"));
  spdlog::set_pattern("%^%l%$ %v");
  app.parse_complete_callback([&] {
    spdlog::set_level(verbosity >= 2   ? spdlog::level::trace
                      : verbosity == 1 ? spdlog::level::debug
                                       : spdlog::level::warn);
  });

  cli::register_validate(app, ctx);
  cli::register_gen(app, ctx);
  cli::register_talosconfig(app, ctx);
  cli::register_kubeconfig(app, ctx);
  cli::register_node(app, ctx);
  cli::register_plan(app, ctx);
  cli::register_apply(app, ctx);
  cli::register_destroy(app, ctx);
  cli::register_status(app, ctx);
  cli::register_etcd(app, ctx);
  cli::register_lab(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? cli::kExitOk : cli::kExitError;
  } catch (const std::exception& e) {
    std::cerr << "talforge: internal error: " << e.what() << "\n";
    return cli::kExitInternal;
  }
  return ctx.exit_code;
}
