// abort_signal: a one-shot "stop what you are doing" shared between whoever cancels a piece of work
// (a user cancelling a job) and the code doing it (an outbound HTTP call, a provider). The worker
// registers an action (e.g. cancelling a socket on its own executor); abort() runs it once.
// Thread-safe: abort(), aborted() and the registrations may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace visionary::util {

class abort_signal {
 public:
  using action = std::function<void()>;

  // Runs every registered action once (outside the lock); later calls do nothing.
  void abort();
  [[nodiscard]] bool aborted() const;

  // Registers an action and returns its ticket, or 0 (not registered, action not run) when the
  // signal has already fired: the caller should stop at once.
  [[nodiscard]] std::uint64_t on_abort(action what);
  // Forgets a registration (the work it guarded finished); unknown tickets are ignored.
  void forget(std::uint64_t ticket);

 private:
  mutable std::mutex mutex_;
  bool aborted_ = false;                     // guarded by mutex_
  std::uint64_t next_ticket_ = 1;            // same
  std::map<std::uint64_t, action> actions_;  // same
};

// Registers an action for as long as it lives (none when the signal is null).
class abort_registration {
 public:
  abort_registration(abort_signal* signal, abort_signal::action what);
  ~abort_registration();
  abort_registration(const abort_registration&) = delete;
  abort_registration& operator=(const abort_registration&) = delete;
  // False when the signal had already fired before registration.
  [[nodiscard]] bool active() const { return signal_ == nullptr || ticket_ != 0; }

 private:
  abort_signal* signal_;
  std::uint64_t ticket_ = 0;
};

}  // namespace visionary::util
