// Test support: the Azure Storage emulator Azurite (npm azurite@3.35.0, blob service only) for unit
// tests that need a real Blob endpoint. One Azurite serves the whole test binary run: it is started
// on first use (so test runs that never touch Azure never need node), on a free loopback port with
// a fresh temporary location, and stopped and removed by a ::testing::Environment at the end of the
// run. If the test binary dies, Azurite gets SIGKILL from the kernel (PR_SET_PDEATHSIG).
// Not thread-safe: call from the test thread only.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "storage/connection_string.hpp"

namespace visionary::test {

inline constexpr std::string_view azurite_account = "devstoreaccount1";
inline constexpr std::string_view azurite_key =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

// The repository root (VISIONARY_TEST_DATA_DIR/../..).
[[nodiscard]] std::filesystem::path repo_root();

// One Azurite process. start() waits (bounded) for its "successfully listens" line; stop() sends
// SIGTERM, waits (bounded), then SIGKILL; the destructor stops it and removes an owned location.
class azurite_process {
 public:
  azurite_process() = default;
  ~azurite_process();
  azurite_process(const azurite_process&) = delete;
  azurite_process& operator=(const azurite_process&) = delete;

  // port 0 picks a free port; an empty location makes (and later removes) a fresh temp folder.
  // Returns an empty string on success, else what went wrong (with a hint to run scripts/setup.sh
  // when node or the azurite package is missing).
  [[nodiscard]] std::string start(unsigned short port = 0, std::filesystem::path location = {});
  void stop();

  [[nodiscard]] bool running() const { return pid_ > 0; }
  [[nodiscard]] unsigned short port() const { return port_; }
  [[nodiscard]] const std::filesystem::path& location() const { return location_; }
  // http://127.0.0.1:PORT/devstoreaccount1
  [[nodiscard]] std::string blob_endpoint() const;
  [[nodiscard]] std::string connection_string() const;
  [[nodiscard]] storage::azure_storage_account account() const;
  // Everything Azurite printed so far (for failure messages).
  [[nodiscard]] std::string output() const;

 private:
  void drain();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  unsigned short port_ = 0;
  std::filesystem::path location_;
  bool owns_location_ = false;
  mutable std::mutex output_mutex_;
  std::string output_;  // guarded by output_mutex_
  std::atomic<bool> stop_draining_{false};
  std::thread drainer_;
};

// The Azurite shared by this test binary run, started on first call. nullptr when it cannot run;
// then *why says why (call ADD_FAILURE/FAIL with it: a missing emulator is a failure, not a skip).
[[nodiscard]] azurite_process* shared_azurite(std::string* why);

// A container name that no other test uses: 3..63 of [a-z0-9-], starting with a letter.
[[nodiscard]] std::string unique_container_name(std::string_view prefix = "t");

}  // namespace visionary::test
