// The composition root: builds the store, provider, services, routes and server from a validated
// configuration, runs them until SIGINT/SIGTERM, and returns the process exit code. Main thread
// only.
#pragma once

#include "app/config.hpp"

namespace visionary::app {

[[nodiscard]] int run(const config& c);

}  // namespace visionary::app
