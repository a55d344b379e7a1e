// visionary: the VisionaryAI server binary. Parses the configuration, refuses inconsistent set-ups
// with a message naming the fix, then runs the requested role until SIGINT/SIGTERM.
#include <malloc.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "app/application.hpp"
#include "app/config.hpp"
#include "imaging/image_codec.hpp"

int main(int argc, char** argv) {
  using namespace visionary;
  // Image buffers are megabytes each: a fixed mmap threshold hands them back to the system when
  // freed (glibc would otherwise raise it and keep them in the heap), and few arenas limit
  // per-thread fragmentation.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  mallopt(M_ARENA_MAX, 2);
  auto parsed = app::parse_command_line(argc, argv);
  if (!parsed.parsed) return parsed.exit_code;
  app::config config = std::move(*parsed.parsed);

  spdlog::set_default_logger(spdlog::stdout_logger_mt("visionary"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  spdlog::flush_on(spdlog::level::info);

  const auto problems = app::finalize_and_validate(config);
  if (!problems.empty()) {
    std::cerr << "visionary: the configuration cannot work:\n";
    for (const auto& problem : problems) std::cerr << "  - " << problem << "\n";
    std::cerr << "Run 'visionary " << app::role_name(config.run_role)
              << " --help' for every option and its environment variable.\n";
    return 2;
  }
  spdlog::info("effective configuration:\n{}", app::describe(config));
  try {
    imaging::initialize(argv[0]);
    return app::run(config);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
