#include "util/abort_signal.hpp"

#include <vector>

namespace visionary::util {

void abort_signal::abort() {
  std::map<std::uint64_t, action> to_run;
  {
    std::lock_guard lock(mutex_);
    if (aborted_) return;
    aborted_ = true;
    to_run.swap(actions_);
  }
  for (auto& [ticket, what] : to_run) what();
}

bool abort_signal::aborted() const {
  std::lock_guard lock(mutex_);
  return aborted_;
}

std::uint64_t abort_signal::on_abort(action what) {
  std::lock_guard lock(mutex_);
  if (aborted_) return 0;
  const auto ticket = next_ticket_++;
  actions_.emplace(ticket, std::move(what));
  return ticket;
}

void abort_signal::forget(std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  actions_.erase(ticket);
}

abort_registration::abort_registration(abort_signal* signal, abort_signal::action what)
    : signal_(signal) {
  if (signal_ != nullptr) ticket_ = signal_->on_abort(std::move(what));
}

abort_registration::~abort_registration() {
  if (signal_ != nullptr && ticket_ != 0) signal_->forget(ticket_);
}

}  // namespace visionary::util
